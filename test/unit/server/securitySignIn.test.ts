// Issue 13, points 1 to 4, and issue 11's MLflow links: who may use the dashboards of `runlens serve`.
// Two real servers on loopback with real stores; the browser is played by raw HTTP requests.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashboardService } from '../../../src/dashboards/dashboardService';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { pathForMlflowFragment } from '../../../src/protocol/dashboards/routing';
import { encodeMessage } from '../../../src/protocol/messages';
import { DashboardSite } from '../../../src/server/dashboardRoutes';
import { signInPath, startServer, type RunningServer } from '../../../src/server/server';
import { rawRequest } from './support/rawHttp';

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Served {
  readonly site: DashboardSite;
  readonly server: RunningServer;
  readonly store: WorkspaceStore;
  readonly token: string;
  clock: number;
}

describe('dashboard sign-in and sessions', () => {
  let folder: string;
  let first: Served;
  let second: Served;

  async function serve(name: string): Promise<Served> {
    const webviewDir = path.join(folder, 'webview');
    mkdirSync(webviewDir, { recursive: true });
    writeFileSync(path.join(webviewDir, 'dashboard.js'), '');
    const store = await WorkspaceStore.open(path.join(folder, name, '.runlens'), { idleCheckpointMs: 0 });
    const served = { clock: Date.now() } as Served;
    const site = new DashboardSite({
      service: new DashboardService({ tracking: store.tracking, artifacts: store.artifacts }),
      tracking: store.tracking,
      writes: store,
      webviewDir,
      log: () => undefined,
      now: () => served.clock,
    });
    const token = `${name}-token-0123456789abcdef`;
    const server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token, dashboards: site });
    return Object.assign(served, { site, server, store, token });
  }

  function send(s: Served, method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.server.port, method, path: target, headers: { host: `127.0.0.1:${s.server.port}`, ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Signs in with a fresh code: the cookie (`name=value`) and the page key the sign-in page carries. */
  async function signIn(s: Served, at = '/'): Promise<{ cookie: string; pageKey: string }> {
    const code = s.site.mintSignInPath().split('code=')[1];
    const reply = await send(s, 'GET', `${at}${at.includes('?') ? '&' : '?'}code=${code}`);
    assert.equal(reply.status, 200, reply.body);
    const cookie = String(reply.headers['set-cookie']?.[0]).split(';')[0];
    const pageKey = /"pageKey":"([^"]+)"/.exec(reply.body)?.[1];
    assert.ok(pageKey);
    return { cookie, pageKey };
  }

  const bridge = (s: Served, headers: Record<string, string>) =>
    send(s, 'POST', '/dashboard-api', { 'content-type': 'application/json', ...headers }, encodeMessage({ kind: 'request', id: 1, method: 'index/get', params: {} }));
  const setNote = (s: Served, headers: Record<string, string>, runId: string) =>
    send(s, 'POST', '/dashboard-api', { 'content-type': 'application/json', ...headers }, encodeMessage({ kind: 'request', id: 2, method: 'note/set', params: { runId, note: 'written by a replayed cookie' } }));

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'runlens-sign-in-'));
    first = await serve('first');
    second = await serve('second');
  });

  after(async () => {
    for (const s of [first, second]) {
      s.site.close();
      await s.server.close();
      s.store.close();
    }
    rmSync(folder, { recursive: true, force: true });
  });

  test('1. the cookie alone, replayed by another app on 127.0.0.1, opens neither the bridge nor the event stream', async () => {
    const runId = first.store.tracking.createRun({ runName: 'private' }).info.run_id;
    const { cookie, pageKey } = await signIn(first);
    // What any app on another port receives from the browser: the cookie, nothing of this origin's storage.
    assert.equal((await bridge(first, { cookie })).status, 401, 'index/get with the cookie alone');
    assert.equal((await setNote(first, { cookie }, runId)).status, 401, 'note/set with the cookie alone');
    assert.equal(first.store.tracking.getRun(runId).data.tags?.find((t) => t.key === 'mlflow.note.content'), undefined);
    assert.equal((await send(first, 'GET', '/dashboard-api/events', { cookie })).status, 401, 'events with the cookie alone');
    assert.equal((await bridge(first, { cookie, 'x-runlens-page-key': `${pageKey.slice(0, -1)}x` })).status, 401, 'a wrong key');
    assert.equal((await bridge(first, { 'x-runlens-page-key': pageKey })).status, 401, 'the key without the cookie');
    // The control: the page, with its key.
    const answer = await bridge(first, { cookie, 'x-runlens-page-key': pageKey });
    assert.equal(answer.status, 200, answer.body);
    assert.ok(answer.body.includes(runId));
  });

  test('1. each sign-in is a new session, and sessions expire', async () => {
    const a = await signIn(first);
    const b = await signIn(first);
    assert.notEqual(a.cookie, b.cookie, 'sessions rotate');
    assert.notEqual(a.pageKey, b.pageKey);
    assert.equal((await bridge(first, { cookie: a.cookie, 'x-runlens-page-key': b.pageKey })).status, 401, "one session's key does not open another");
    first.clock += 13 * 60 * 60 * 1000;
    try {
      assert.equal((await bridge(first, { cookie: b.cookie, 'x-runlens-page-key': b.pageKey })).status, 401, 'expired');
      assert.equal((await send(first, 'GET', '/', { cookie: b.cookie })).status, 401, 'expired, for pages too');
    } finally {
      first.clock = Date.now();
    }
  });

  test('2. signing in to a second server leaves the first signed in: each has its own cookie', async () => {
    const one = await signIn(first);
    const two = await signIn(second);
    assert.notEqual(one.cookie.split('=')[0], two.cookie.split('=')[0], 'cookie names differ by server');
    // The browser sends both cookies to both servers (cookies are not port-scoped).
    const cookie = `${one.cookie}; ${two.cookie}`;
    assert.equal((await bridge(first, { cookie, 'x-runlens-page-key': one.pageKey })).status, 200);
    assert.equal((await bridge(second, { cookie, 'x-runlens-page-key': two.pageKey })).status, 200);
  });

  test('3. the sign-in address carries a one-time code that expires and opens nothing of the API; the API token is no sign-in', async () => {
    const signInAddress = first.site.mintSignInPath();
    assert.ok(!signInAddress.includes(first.token));
    const code = signInAddress.split('code=')[1];
    const api = await send(first, 'POST', '/api/2.0/mlflow/experiments/search', { authorization: `Bearer ${code}`, 'content-type': 'application/json' }, '{}');
    assert.equal(api.status, 401, 'the code is no API token');
    assert.equal((await send(first, 'GET', signInAddress)).status, 200);
    const again = await send(first, 'GET', signInAddress);
    assert.equal(again.status, 401, 'used once');
    assert.equal(again.headers['set-cookie'], undefined);
    const late = first.site.mintSignInPath();
    first.clock += 61_000;
    try {
      assert.equal((await send(first, 'GET', late)).status, 401, 'expired after 60 s');
    } finally {
      first.clock = Date.now();
    }
    for (const target of [`/?token=${first.token}`, `/?code=${first.token}`]) {
      const reply = await send(first, 'GET', target);
      assert.equal(reply.status, 401, target);
      assert.equal(reply.headers['set-cookie'], undefined, target);
    }
    // A fresh code comes from the API, for the holder of the token (runlens serve started again asks this).
    const fresh = await send(first, 'POST', signInPath, { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' }, '{}');
    assert.equal(fresh.status, 200, fresh.body);
    assert.equal((await send(first, 'GET', JSON.parse(fresh.body).path)).status, 200);
    assert.equal((await send(first, 'POST', signInPath, { 'content-type': 'application/json' }, '{}')).status, 401);
  });

  test('4. no sign-in answer redirects anywhere: an address built to leave the server gets no Location', async () => {
    for (const query of [`code=${first.site.mintSignInPath().split('code=')[1]}`, `token=${first.token}`]) {
      for (const target of [`/run/../..//evil.example/x?${query}`, `//evil.example/x?${query}`, `/run/..%2f..%2f%2fevil.example?${query}`]) {
        const reply = await rawRequest(first.server.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${first.server.port}\r\nConnection: close\r\n\r\n`);
        assert.ok(reply.status < 300 || reply.status >= 400, `${target}: ${reply.status}`);
        assert.doesNotMatch(reply.head, /^location:/im, target);
      }
    }
  });

  test("MLflow's run and experiment links (#/experiments/<id>/runs/<run id>) route to the same dashboards", () => {
    assert.equal(pathForMlflowFragment('#/experiments/3/runs/0123abcd'), '/run/0123abcd');
    assert.equal(pathForMlflowFragment('#/experiments/3'), '/experiment/3');
    assert.equal(pathForMlflowFragment('#/experiments/3/'), '/experiment/3');
    assert.equal(pathForMlflowFragment('#/experiments/a%2Fb/runs/x%20y'), '/run/x%20y');
    for (const other of ['', '#', '#/models/m', '#/experiments', '#/experiments/3/runs', '#//evil.example', '#/experiments/%E0%A4%A/runs/x']) {
      assert.equal(pathForMlflowFragment(other), undefined, other);
    }
  });
});
