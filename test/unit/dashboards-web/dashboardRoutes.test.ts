import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashboardService } from '../../../src/dashboards/dashboardService';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { decodeMessage, encodeMessage } from '../../../src/protocol/messages';
import { DashboardSite } from '../../../src/server/dashboardRoutes';
import { startServer, type RunningServer } from '../../../src/server/server';

// The browser mode's routes over real HTTP on loopback, with a real store: who gets in (token once, then the
// cookie; the Host check), what the pages and bridge answer, and the live event stream.

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const token = 'unit-test-token-0123456789';

describe('the dashboards in the browser: routes, sign-in and bridge', () => {
  let folder: string;
  let store: WorkspaceStore;
  let site: DashboardSite;
  let server: RunningServer;
  let cookie: string;
  let pageKey: string;

  function send(method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.url}${target}`, { method, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function bridge(method: string, params: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const reply = await send('POST', '/dashboard-api', { cookie, 'x-runlens-page-key': pageKey, 'content-type': 'application/json', ...headers }, encodeMessage({ kind: 'request', id: 7, method, params }));
    assert.equal(reply.status, 200, reply.body);
    const message = decodeMessage(reply.body) as Record<string, unknown>;
    assert.equal(message.id, 7);
    return message;
  }

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'runlens-dashboard-routes-'));
    const webviewDir = path.join(folder, 'webview');
    mkdirSync(webviewDir);
    writeFileSync(path.join(webviewDir, 'dashboard.js'), 'console.log("bundle")');
    writeFileSync(path.join(folder, 'secret.txt'), 'not for the web');
    store = await WorkspaceStore.open(path.join(folder, '.runlens'), { idleCheckpointMs: 0 });
    const service = new DashboardService({ tracking: store.tracking, artifacts: store.artifacts });
    site = new DashboardSite({ service, tracking: store.tracking, writes: store, webviewDir, log: () => undefined });
    server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token, dashboards: site });
  });

  after(async () => {
    site.close();
    await server.close();
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('a foreign Host header is refused before anything else (DNS rebinding)', async () => {
    const reply = await send('GET', site.mintSignInPath(), { host: 'attacker.example' });
    assert.equal(reply.status, 403);
    assert.equal(reply.headers['set-cookie'], undefined);
  });

  test('without the session nothing is served; a wrong code or the API token gets no cookie', async () => {
    assert.equal((await send('GET', '/')).status, 401);
    assert.equal((await send('GET', '/webview/dashboard.js')).status, 401);
    assert.equal((await send('GET', '/dashboard-api/events')).status, 401);
    for (const target of ['/?code=wrong-code-0123456789', `/?code=${token}`, `/?token=${token}`]) {
      const wrong = await send('GET', target);
      assert.equal(wrong.status, 401, target);
      assert.equal(wrong.headers['set-cookie'], undefined, target);
    }
  });

  test('a sign-in code, once, buys the page with an HttpOnly SameSite=Strict session cookie and the page key', async () => {
    const code = site.mintSignInPath().split('code=')[1];
    const reply = await send('GET', `/compare?run=a&code=${code}&run=b&theme=dark`);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.location, undefined, 'no redirect');
    assert.ok(reply.body.includes('"runIds":["a","b"]'));
    const [setCookie] = reply.headers['set-cookie'] ?? [];
    assert.match(setCookie, new RegExp(`^runlens_session_${server.port}=[^;]+; HttpOnly; SameSite=Strict; Path=/; Max-Age=\\d+$`));
    cookie = setCookie.split(';')[0];
    pageKey = /"pageKey":"([^"]+)"/.exec(reply.body)?.[1] ?? '';
    assert.ok(pageKey.length >= 32);
    assert.ok(!cookie.includes(token), 'the cookie is not the API token');
    // The cookie opens the dashboards, never the MLflow API.
    assert.equal((await send('POST', '/api/2.0/mlflow/experiments/search', { cookie, 'content-type': 'application/json' }, '{}')).status, 401);
  });

  test('pages are the shell with its CSP header; only bundle files are static', async () => {
    const page = await send('GET', '/run/some-run?theme=dark', { cookie });
    assert.equal(page.status, 200);
    const csp = String(page.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.ok(page.body.includes(`<script nonce="${nonce}" src="/webview/dashboard.js">`));
    assert.ok(page.body.includes('data-palette="dark"'));
    assert.ok(page.body.includes('"runId":"some-run"'));
    assert.equal((await send('GET', '/nowhere/else', { cookie, authorization: `Bearer ${token}` })).status, 404);
    assert.equal((await send('GET', '/run/a/b', { cookie })).status, 404);

    const bundle = await send('GET', '/webview/dashboard.js', { cookie });
    assert.equal(bundle.status, 200);
    assert.match(String(bundle.headers['content-type']), /^text\/javascript/);
    for (const target of ['/webview/../secret.txt', '/webview/%2e%2e%2fsecret.txt', '/webview/secret.txt', '/webview/']) {
      const reply = await send('GET', target, { cookie });
      assert.notEqual(reply.status, 200, target);
      assert.ok(!reply.body.includes('not for the web'), target);
    }
  });

  test('the bridge answers one protocol request per POST, keeping NaN, and refuses cross-site shapes', async () => {
    const runId = store.tracking.createRun({ experimentId: '0', runName: 'bridged' }).info.run_id;
    store.tracking.logMetric(runId, { key: 'loss', value: Number.NaN, timestamp: 1, step: 0 });
    const answer = (await bridge('run/get', { runId })) as { result: { header: { name: string }; metrics: { key: string; last: number }[] } };
    assert.equal(answer.result.header.name, 'bridged');
    assert.ok(Number.isNaN(answer.result.metrics.find((m) => m.key === 'loss')?.last));

    const missing = (await bridge('run/get', { runId: 'f'.repeat(32) })) as { error: { code: string } };
    assert.equal(missing.error.code, 'notFound');
    const action = (await bridge('run/openSource', { runId })) as { error: { code: string; message: string } };
    assert.equal(action.error.code, 'unavailable');
    const unknown = (await bridge('no/such', {})) as { error: { code: string } };
    assert.equal(unknown.error.code, 'invalidParams');
    const index = (await bridge('index/get', {})) as { result: { experiments: { name: string }[]; runs: { runId: string }[] } };
    assert.deepEqual(index.result.experiments.map((e) => e.name), ['Default']);
    assert.ok(index.result.runs.some((r) => r.runId === runId));

    const body = encodeMessage({ kind: 'request', id: 1, method: 'index/get', params: {} });
    assert.equal((await send('POST', '/dashboard-api', { cookie, 'x-runlens-page-key': pageKey, 'content-type': 'text/plain' }, body)).status, 415);
    assert.equal((await send('POST', '/dashboard-api', { cookie, 'x-runlens-page-key': pageKey, 'content-type': 'application/json', origin: 'http://attacker.example' }, body)).status, 403);
    assert.equal((await send('POST', '/dashboard-api', { cookie, 'x-runlens-page-key': pageKey, 'content-type': 'application/json' }, '{"kind":"response"}')).status, 400);
    assert.equal((await send('GET', '/dashboard-api', { cookie })).status, 405);
  });

  test('the event stream tells a page about writes to the runs it watches', async () => {
    const watched = store.tracking.createRun({ experimentId: '0', runName: 'watched' }).info.run_id;
    const events = await new Promise<{ next: () => Promise<string>; close: () => void }>((resolve, reject) => {
      const req = request(
        `${server.url}/dashboard-api/events?run=${watched}&key=${pageKey}`,
        { headers: { host: `127.0.0.1:${server.port}`, cookie } },
        (res) => {
          assert.equal(res.statusCode, 200);
          assert.match(String(res.headers['content-type']), /^text\/event-stream/);
          res.setEncoding('utf8');
          const queue: string[] = [];
          const waiters: ((text: string) => void)[] = [];
          let buffer = '';
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) !== -1) {
              const event = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const waiter = waiters.shift();
              if (waiter) waiter(event);
              else queue.push(event);
            }
          });
          resolve({
            next: () => new Promise((r) => (queue.length > 0 ? r(queue.shift()!) : waiters.push(r))),
            close: () => req.destroy(),
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    try {
      assert.equal(await events.next(), 'retry: 1000');
      await waitUntil(() => site.listeners === 1);
      store.tracking.logMetric(watched, { key: 'loss', value: 0.5, timestamp: 2, step: 1 });
      const event = await events.next();
      assert.ok(event.startsWith('data: '), event);
      assert.deepEqual(decodeMessage(event.slice('data: '.length)), {
        kind: 'notification',
        method: 'runs/changed',
        params: { all: false, runIds: [watched] },
      });
    } finally {
      events.close();
    }
    await waitUntil(() => site.listeners === 0);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
