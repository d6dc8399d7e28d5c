// Issue 3, point 3: each security rule attempted and refused, with nothing written to the store or
// to the disk (the whole temporary folder, artifact root and its surroundings, is compared before
// and after; so is the row count of every table).
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Reply } from './support/httpClient';
import { chunk, rawRequest } from './support/rawHttp';
import { diskSnapshot, storeCounts } from './support/snapshot';
import { startTestServer, type TestServer } from './support/testServer';

const jsonCap = 64 * 1024;
const uploadCap = 1024 * 1024;
const artifactsBase = '/api/2.0/mlflow-artifacts/artifacts';

describe('security rules', () => {
  let t: TestServer;
  let outside: string;
  let runId: string;

  before(async () => {
    t = await startTestServer({ maxJsonBytes: jsonCap, maxArtifactBytes: uploadCap });
    // A folder beside the artifact root that every escape below aims at.
    outside = path.join(t.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    // A store with something in it: one experiment, one run, one artifact.
    const experiment = await t.client.api('experiments/create', { name: 'security' });
    assert.equal(experiment.status, 200, experiment.text);
    const run = await t.client.api('runs/create', {
      experiment_id: experiment.json<{ experiment_id: string }>().experiment_id,
      start_time: Date.now(),
    });
    assert.equal(run.status, 200, run.text);
    runId = run.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const seeded = await t.client.request('PUT', `${artifactsBase}/1/seed/artifacts/a.txt`, { body: 'seed' });
    assert.equal(seeded.status, 200, seeded.text);
  });

  after(async () => {
    assert.deepEqual(t.logged, [], 'no request of this suite may be a server bug (500)');
    await t.close();
  });

  /** Runs `attempt` and asserts that neither the disk nor the store changed. */
  async function nothingWritten(attempt: () => Promise<void>): Promise<void> {
    const disk = diskSnapshot(t.dir);
    const counts = storeCounts(t.db);
    await attempt();
    assert.deepEqual(diskSnapshot(t.dir), disk, 'the disk changed');
    assert.deepEqual(storeCounts(t.db), counts, 'the store changed');
  }

  function assertError(reply: Reply, status: number, code: string, what: string): void {
    assert.equal(reply.status, status, `${what}: ${reply.text}`);
    assert.equal(reply.headers['content-type'], 'application/json', what);
    assert.equal(reply.json().error_code, code, what);
    assert.equal(typeof reply.json().message, 'string');
  }

  /** One request of each kind: service, read, write, artifact up- and download, unknown route. */
  const everyKindOfRoute = () => [
    { method: 'GET', path: '/version' },
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=security' },
    { method: 'POST', path: '/api/2.0/mlflow/experiments/create', json: { name: 'intruder' } },
    { method: 'POST', path: '/api/2.0/mlflow/runs/log-parameter', json: { run_id: runId, key: 'k', value: 'v' } },
    { method: 'PUT', path: `${artifactsBase}/1/seed/artifacts/b.txt`, body: 'intruder' },
    { method: 'GET', path: `${artifactsBase}/1/seed/artifacts/a.txt` },
    { method: 'DELETE', path: `${artifactsBase}/1/seed/artifacts/a.txt` },
    { method: 'GET', path: '/api/2.0/mlflow/no-such-endpoint' },
  ];

  test('every route, /version and /health included, refuses a request without a token: 401 UNAUTHENTICATED', async () => {
    await nothingWritten(async () => {
      for (const r of everyKindOfRoute()) {
        const reply = await t.client.request(r.method, r.path, { json: r.json, body: r.body, token: null });
        assertError(reply, 401, 'UNAUTHENTICATED', `${r.method} ${r.path}`);
      }
    });
  });

  test('a wrong token, a near miss, another scheme or an empty bearer is refused', async () => {
    const wrong = [
      `Bearer ${t.token}x`,
      `Bearer ${t.token.slice(0, -1)}`,
      `Bearer ${t.token.toUpperCase() === t.token ? t.token.toLowerCase() : t.token.toUpperCase()}`,
      'Bearer not-the-token-at-all-1234567890',
      'Bearer ',
      `Basic ${Buffer.from(`user:${t.token}`).toString('base64')}`,
      t.token,
      `Bearer ${t.token} extra`,
    ];
    await nothingWritten(async () => {
      for (const authorization of wrong) {
        for (const r of everyKindOfRoute()) {
          const reply = await t.client.request(r.method, r.path, { json: r.json, body: r.body, token: null, headers: { authorization } });
          assertError(reply, 401, 'UNAUTHENTICATED', `${authorization} on ${r.method} ${r.path}`);
        }
      }
    });
    // The control: the scheme is case-insensitive, as HTTP says.
    const reply = await t.client.request('GET', '/health', { token: null, headers: { authorization: `bearer ${t.token}` } });
    assert.equal(reply.status, 200);
  });

  test('a Host header that is not loopback with this port is refused (DNS rebinding): 403, even with the token', async () => {
    const port = t.server.port;
    const foreign = [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      'localhost',
      `0.0.0.0:${port}`,
      `[::1]`,
      `192.168.1.10:${port}`,
    ];
    await nothingWritten(async () => {
      for (const host of foreign) {
        for (const r of everyKindOfRoute()) {
          const reply = await t.client.request(r.method, r.path, { json: r.json, body: r.body, headers: { host } });
          assertError(reply, 403, 'PERMISSION_DENIED', `Host ${host} on ${r.method} ${r.path}`);
        }
      }
      // No Host at all (an HTTP/1.0-style request): refused before any route runs.
      const bare = await rawRequest(port, `GET /health HTTP/1.1\r\nAuthorization: Bearer ${t.token}\r\n\r\n`);
      assert.ok(bare.status === 400 || bare.status === 403, `no Host: ${bare.status}`);
    });
    for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      assert.equal((await t.client.get('/health', { headers: { host } })).status, 200, host);
    }
  });

  test('a JSON body declared over the cap is refused before it is read, and the connection closed', async () => {
    await nothingWritten(async () => {
      const reply = await rawRequest(
        t.server.port,
        `POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\n` +
          `Authorization: Bearer ${t.token}\r\nContent-Type: application/json\r\nContent-Length: ${jsonCap + 1}\r\n\r\n`,
        ['{"name": "oversized", "pad": "'],
      );
      assert.equal(reply.status, 400);
      assert.deepEqual(JSON.parse(reply.body), {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: `request body exceeds ${jsonCap} bytes`,
      });
      assert.ok(reply.closed, 'the server kept reading a body it had refused');
    });
  });

  test('a chunked JSON body is refused as soon as it passes the cap, and nothing of it is applied', async () => {
    await nothingWritten(async () => {
      const head =
        `POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\n` +
        `Authorization: Bearer ${t.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const body = [chunk('{"name": "oversized", "pad": "'), ...Array.from({ length: 8 }, () => chunk('x'.repeat(16 * 1024)))];
      const reply = await rawRequest(t.server.port, head, [...body, chunk('"}'), '0\r\n\r\n']);
      assert.equal(reply.status, 400);
      assert.equal(JSON.parse(reply.body).message, `request body exceeds ${jsonCap} bytes`);
      assert.ok(reply.closed);
    });
    assert.equal((await t.client.get('/api/2.0/mlflow/experiments/get-by-name?experiment_name=oversized')).status, 404);
  });

  test('a JSON body under the cap is read (the control)', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(jsonCap - 100) });
    const reply = await t.client.request('DELETE', `${artifactsBase}/1/nothing-here/x.txt`, { body });
    assert.equal(reply.status, 200, reply.text);
  });

  test('an upload declared over its cap is refused at once; a chunked one past the cap is cut and removed', async () => {
    const port = t.server.port;
    await nothingWritten(async () => {
      const declared = await rawRequest(
        port,
        `PUT ${artifactsBase}/1/seed/artifacts/huge.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Authorization: Bearer ${t.token}\r\nContent-Length: ${uploadCap + 1}\r\n\r\n`,
        [Buffer.alloc(1000)],
      );
      assert.equal(declared.status, 400);
      assert.deepEqual(JSON.parse(declared.body), { error_code: 'INVALID_PARAMETER_VALUE', message: `artifact exceeds ${uploadCap} bytes` });
      assert.ok(declared.closed);

      const streamed = await rawRequest(
        port,
        `PUT ${artifactsBase}/1/seed/artifacts/huge.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Authorization: Bearer ${t.token}\r\nTransfer-Encoding: chunked\r\n\r\n`,
        [...Array.from({ length: 24 }, () => chunk(Buffer.alloc(64 * 1024, 1))), '0\r\n\r\n'],
      );
      assert.equal(streamed.status, 400);
      assert.equal(JSON.parse(streamed.body).message, `artifact exceeds ${uploadCap} bytes`);
      assert.ok(streamed.closed);
    });
    // The control: exactly the cap is accepted.
    const full = await t.client.request('PUT', `${artifactsBase}/1/seed/artifacts/full.bin`, { body: Buffer.alloc(uploadCap, 7) });
    assert.equal(full.status, 200, full.text);
  });

  // Each aims at outside/secret.txt, beside the artifact root, or at the file system root.
  const escapes = [
    '../outside/secret.txt',
    '1/../../outside/secret.txt',
    '%2e%2e/outside/secret.txt',
    '%2E%2E%2Foutside%2Fsecret.txt',
    '1%2f..%2f..%2foutside%2fsecret.txt',
    '..%5coutside%5csecret.txt',
    '1\\..\\..\\outside\\secret.txt',
    '%2foutside%2fsecret.txt',
    '/etc/passwd',
    'C:/outside/secret.txt',
    '1/seed/artifacts/a.txt%00.png',
    '1/seed/artifacts/%00',
  ];

  test('artifact paths with .., absolute paths, encoded traversal, backslashes or NUL are refused: 400, nothing touched', async () => {
    const absoluteSecret = path.join(outside, 'secret.txt');
    await nothingWritten(async () => {
      for (const escape of [...escapes, encodeURIComponent(absoluteSecret)]) {
        for (const method of ['PUT', 'GET', 'DELETE']) {
          const reply = await t.client.request(method, `${artifactsBase}/${escape}`, method === 'PUT' ? { body: 'pwned' } : {});
          assertError(reply, 400, 'INVALID_PARAMETER_VALUE', `${method} ${escape}`);
          assert.ok(!reply.text.includes('secret"') && !reply.text.startsWith('secret'));
        }
      }
      for (const escape of ['..', '../outside', '%2e%2e%2foutside', '/etc', '1%5c..%5c..', 'a%00b', '1/../..']) {
        const reply = await t.client.get(`${artifactsBase}?path=${escape}`);
        assertError(reply, 400, 'INVALID_PARAMETER_VALUE', `list ${escape}`);
        const forRun = await t.client.get(`/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${escape}/..`);
        assertError(forRun, 400, 'INVALID_PARAMETER_VALUE', `run list ${escape}`);
      }
    });
  });

  test('a symlink inside the artifact root that leads outside is never followed, for reading, writing, listing or deleting', async () => {
    const linkDir = path.join(t.artifactRoot, '9');
    mkdirSync(path.join(linkDir, 'real'), { recursive: true });
    writeFileSync(path.join(linkDir, 'real', 'f.txt'), 'inside');
    symlinkSync(outside, path.join(linkDir, 'escape'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(linkDir, 'secret-link.txt'));
    symlinkSync(path.join(t.dir, 'not-there'), path.join(linkDir, 'dangling'));
    symlinkSync(path.join(linkDir, 'real'), path.join(linkDir, 'inside-link'));

    await nothingWritten(async () => {
      const attempts: [string, string][] = [
        ['GET', '9/escape/secret.txt'],
        ['GET', '9/secret-link.txt'],
        ['PUT', '9/escape/new.txt'],
        ['PUT', '9/escape/secret.txt'],
        ['PUT', '9/secret-link.txt'],
        ['PUT', '9/dangling/new.txt'],
        ['DELETE', '9/escape/secret.txt'],
        ['DELETE', '9/escape'],
        ['DELETE', '9/secret-link.txt'],
      ];
      for (const [method, p] of attempts) {
        const reply = await t.client.request(method, `${artifactsBase}/${p}`, method === 'PUT' ? { body: 'pwned' } : {});
        assertError(reply, 400, 'INVALID_PARAMETER_VALUE', `${method} ${p}`);
      }
      assertError(await t.client.get(`${artifactsBase}?path=9/escape`), 400, 'INVALID_PARAMETER_VALUE', 'list 9/escape');
      // The listing of the folder holding the links shows only what stays inside.
      const listing = await t.client.get(`${artifactsBase}?path=9`);
      assert.deepEqual(
        listing.json<{ files: { path: string }[] }>().files.map((f) => f.path),
        ['inside-link', 'real'],
      );
      // The control: a link that stays inside the root works.
      const inside = await t.client.get(`${artifactsBase}/9/inside-link/f.txt`);
      assert.equal(inside.status, 200);
      assert.equal(inside.text, 'inside');
    });
  });

  test("keys and values past MLflow's length limits are refused, and nothing of the request is kept", async () => {
    await nothingWritten(async () => {
      const attempts: [string, Record<string, unknown>][] = [
        ['runs/log-parameter', { run_id: runId, key: 'k'.repeat(251), value: 'v' }],
        ['runs/log-parameter', { run_id: runId, key: 'k', value: 'v'.repeat(6001) }],
        ['runs/set-tag', { run_id: runId, key: 't', value: 'v'.repeat(8001) }],
        ['runs/log-metric', { run_id: runId, key: 'm'.repeat(251), value: 1, timestamp: 1, step: 0 }],
        ['runs/log-batch', { run_id: runId, params: [{ key: 'ok', value: '1' }, { key: 'k', value: 'v'.repeat(6001) }] }],
        ['experiments/create', { name: 'e'.repeat(501) }],
      ];
      for (const [endpoint, body] of attempts) {
        assertError(await t.client.api(endpoint, body), 400, 'INVALID_PARAMETER_VALUE', endpoint);
      }
    });
  });

  test('malformed JSON is a 400 that says where it broke, never a 500', async () => {
    await nothingWritten(async () => {
      for (const body of ['{"name": ', '{"name": "x",}', '[1, 2]', '"text"', '{"name": nan}']) {
        const reply = await t.client.request('POST', '/api/2.0/mlflow/experiments/create', {
          body,
          headers: { 'content-type': 'application/json' },
        });
        assertError(reply, 400, 'INVALID_PARAMETER_VALUE', body);
      }
    });
  });
});
