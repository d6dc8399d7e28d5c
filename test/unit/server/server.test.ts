// The server core on real loopback HTTP: binding, service endpoints, unknown routes, keep-alive.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArtifactStore } from '../../../src/core/store/artifactStore';
import { Database } from '../../../src/core/store/database';
import { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { startServer } from '../../../src/server/server';
import { mlflowApiVersion } from '../../../src/server/serviceRoutes';
import { HttpClient } from './support/httpClient';
import { startTestServer, type TestServer } from './support/testServer';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';

describe('tracking server core', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('listens on 127.0.0.1 at a free port and says so in its URL', () => {
    assert.ok(t.server.port > 0);
    assert.equal(t.server.url, `http://127.0.0.1:${t.server.port}`);
  });

  test('is not reachable on any non-loopback address of this machine', async (context) => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i !== undefined && !i.internal && i.family === 'IPv4');
    if (external === undefined) {
      context.skip('this machine has no non-loopback IPv4 address');
      return;
    }
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external.address, port: t.server.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    assert.equal(outcome, 'ECONNREFUSED');
  });

  test('refuses to bind anything but loopback', async () => {
    const db = await Database.open();
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      await assert.rejects(
        startServer({
          store: new TrackingStore(db),
          registry: new ModelRegistry(db),
          artifacts: new ArtifactStore(t.dir),
          traces: new TraceStore(db, new SpanFiles(path.join(t.dir, 'traces'))),
          token: t.token,
          host,
        }),
        /loopback interface only/,
      );
    }
    db.close();
  });

  test('/version answers a version string the MLflow 3.x client parses', async () => {
    const reply = await t.client.get('/version');
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /^text\/plain/);
    assert.equal(reply.text, mlflowApiVersion);
    const [major, minor] = reply.text.split('.').map(Number);
    assert.ok(major === 3 && minor >= 4, 'the client needs >= 3.4 to take the server for a current one');
  });

  test('/health answers OK', async () => {
    const reply = await t.client.get('/health');
    assert.equal(reply.status, 200);
    assert.equal(reply.text, 'OK');
  });

  test('an unknown endpoint is a JSON 404 ENDPOINT_NOT_FOUND, whatever the method', async () => {
    for (const [method, path] of [
      ['GET', '/api/2.0/mlflow/no-such-endpoint'],
      ['POST', '/api/3.0/mlflow/no-such-endpoint'],
      ['PUT', '/v1/traces'],
      ['DELETE', '/version'],
    ]) {
      const reply = await t.client.request(method, path, method === 'GET' ? {} : { json: {} });
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.equal(reply.headers['content-type'], 'application/json');
      assert.equal(reply.json().error_code, 'ENDPOINT_NOT_FOUND');
    }
  });

  test('keeps connections alive between requests', async () => {
    for (let i = 0; i < 5; i++) {
      const reply = await t.client.get('/health');
      assert.equal(reply.headers.connection, 'keep-alive');
    }
    // One idle pooled socket served all five requests.
    const sockets = await new Promise<number>((resolve) => setImmediate(() => resolve(t.client.idleSockets())));
    assert.equal(sockets, 1);
  });

  test('takes the NaN and Infinity literals of Python json.dumps in a body, and answers them as MLflow does', async () => {
    const experiment = await t.client.api('experiments/create', { name: 'non-finite' });
    const run = await t.client.api('runs/create', { experiment_id: experiment.json().experiment_id, start_time: 1 });
    const runId = run.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const body = `{"run_id": "${runId}", "metrics": [{"key": "m", "value": NaN, "timestamp": 1, "step": 0}, {"key": "m", "value": Infinity, "timestamp": 1, "step": 1}, {"key": "m", "value": -Infinity, "timestamp": 1, "step": 2}]}`;
    const logged = await t.client.request('POST', '/api/2.0/mlflow/runs/log-batch', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(logged.status, 200, logged.text);
    const history = await t.client.get(`/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`);
    // Standard JSON (JSON.parse reads it), with protobuf's strings for the three values.
    const values = history.json<{ metrics: { value: unknown }[] }>().metrics.map((m) => m.value);
    assert.deepEqual(values, ['NaN', 'Infinity', '-Infinity']);
  });

  test('a failure that is not a client mistake is a logged 500 INTERNAL_ERROR in MLflow shape', async () => {
    const db = await Database.open();
    const logged: string[] = [];
    const broken = await startServer({
      store: new TrackingStore(db),
      registry: new ModelRegistry(db),
      artifacts: new ArtifactStore(t.dir),
      traces: new TraceStore(db, new SpanFiles(path.join(t.dir, 'traces'))),
      token: t.token,
      log: (message) => logged.push(message),
    });
    db.close(); // every read now fails inside sql.js: a server fault, not the client's
    const client = new HttpClient(broken.url, t.token);
    const reply = await client.get('/api/2.0/mlflow/experiments/get?experiment_id=0');
    client.close();
    await broken.close();
    assert.equal(reply.status, 500);
    assert.equal(reply.json().error_code, 'INTERNAL_ERROR');
    assert.equal(logged.length, 1);
    assert.match(logged[0], /GET \/api\/2\.0\/mlflow\/experiments\/get/);
  });

  test('a request that comes during a long write (an import) waits for its end, never joining or restarting it', async () => {
    const created = await t.client.api('runs/create', { experiment_id: '0', start_time: 1 });
    const runId = created.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    let restarts = 0;
    let longEnded = false;
    const until = performance.now() + 300;
    const long = t.db.writeInSlices(
      function* (tx) {
        for (let i = 0; performance.now() < until; i++) {
          tx.run('INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)', [0, `imported.${i}`, 'x']);
          yield;
        }
      },
      { sliceMs: 1, onRestart: () => (restarts += 1) },
    );
    void long.then(() => (longEnded = true));
    const reply = await t.client.api('runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: 2, step: 0 });
    assert.equal(reply.status, 200, reply.text);
    assert.ok(longEnded, 'answered only after the long write committed');
    await long;
    assert.equal(restarts, 0, 'the request did not roll the long write back');
    assert.deepEqual(t.store.getMetricHistories(runId, ['loss']).get('loss')?.map((m) => m.value), [0.5]);
  });

  test('closes promptly even with idle keep-alive connections open', async () => {
    const other = await startTestServer();
    await other.client.get('/health');
    const started = Date.now();
    await other.close();
    assert.ok(Date.now() - started < 1000, 'close() waited for an idle connection');
    assert.equal(t.logged.length, 0, t.logged.join('\n'));
  });
});
