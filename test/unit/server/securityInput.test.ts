// Issue 13, points 5 to 8: input a client controls never makes a 500 (which the MLflow client
// retries for minutes), never names a server path, and is never stored changed.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArtifactStore } from '../../../src/core/store/artifactStore';
import { Database } from '../../../src/core/store/database';
import { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { startServer } from '../../../src/server/server';
import { HttpClient, type Reply } from './support/httpClient';
import { startTestServer, type TestServer } from './support/testServer';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';

const artifactsBase = '/api/2.0/mlflow-artifacts/artifacts';

describe('bad input: 400s that name no server path', () => {
  let t: TestServer;
  let experimentId: string;
  let runId: string;

  before(async () => {
    t = await startTestServer();
    experimentId = (await t.client.api('experiments/create', { name: 'input' })).json<{ experiment_id: string }>().experiment_id;
    const run = await t.client.api('runs/create', { experiment_id: experimentId, start_time: 1 });
    runId = run.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
  });

  after(async () => {
    await t.close();
    assert.deepEqual(t.logged, [], 'no request of this suite may be a server bug (500)');
  });

  function assertRefused(reply: Reply, what: string): void {
    assert.equal(reply.status, 400, `${what}: ${reply.text.slice(0, 300)}`);
    assert.equal(reply.json().error_code, 'INVALID_PARAMETER_VALUE', what);
    assert.ok(!reply.text.includes(t.dir) && !reply.text.includes(os.tmpdir()), `${what} names a server path: ${reply.text.slice(0, 300)}`);
  }

  const search = (filter: string) => t.client.api('runs/search', { experiment_ids: [experimentId], filter });

  test('a filter of 1,000 AND terms, or of 5,000 nested parentheses, is a 400', async () => {
    const terms = (n: number, joiner: string) => Array.from({ length: n }, (_, i) => `params.p${i} = '${i}'`).join(joiner);
    assertRefused(await search(terms(1000, ' AND ')), '1,000 AND terms');
    assertRefused(await search(terms(1000, ' OR ')), '1,000 OR terms');
    assertRefused(await search(`${'('.repeat(5000)}params.a = '1'${')'.repeat(5000)}`), '5,000 nested parentheses');
    // The controls: the most a filter may hold still runs.
    assert.equal((await search(terms(200, ' AND '))).status, 200);
    assert.equal((await search(`metrics.m > 0 OR (${terms(199, ' OR ')})`)).status, 200);
    assert.equal((await search(`${'('.repeat(50)}params.a = '1'${')'.repeat(50)}`)).status, 200);
  });

  test('artifact names over 255 bytes, 5,000-segment paths and paths under a file are 400s for PUT, GET and list', async () => {
    const longName = 'n'.repeat(256);
    const deep = Array.from({ length: 5000 }, () => 'd').join('/');
    for (const p of [`1/${longName}`, `1/${'é'.repeat(128)}.txt`, `1/${deep}/f.txt`]) {
      assertRefused(await t.client.request('PUT', `${artifactsBase}/${encodeURI(p)}`, { body: 'x' }), `PUT ${p.slice(0, 40)}`);
      assertRefused(await t.client.get(`${artifactsBase}/${encodeURI(p)}`), `GET ${p.slice(0, 40)}`);
      assertRefused(await t.client.get(`${artifactsBase}?path=${encodeURI(p)}`), `list ${p.slice(0, 40)}`);
      assertRefused(await t.client.request('DELETE', `${artifactsBase}/${encodeURI(p)}`), `DELETE ${p.slice(0, 40)}`);
    }
    assert.equal((await t.client.request('PUT', `${artifactsBase}/1/file.txt`, { body: 'a file' })).status, 200);
    assertRefused(await t.client.request('PUT', `${artifactsBase}/1/file.txt/under.txt`, { body: 'x' }), 'PUT under a file');
    assertRefused(await t.client.request('PUT', `${artifactsBase}/1/file.txt/deeper/under.txt`, { body: 'x' }), 'PUT deeper under a file');
    // The control: a 255-byte name is fine.
    assert.equal((await t.client.request('PUT', `${artifactsBase}/1/${'n'.repeat(255)}`, { body: 'x' })).status, 200);
  });

  test("run names past MLflow's tag value limit (8,000) are refused on runs/create and runs/update, as set-tag refuses them", async () => {
    const tooLong = 'r'.repeat(8001);
    assertRefused(await t.client.api('runs/create', { experiment_id: experimentId, run_name: tooLong }), 'create');
    assertRefused(await t.client.api('runs/update', { run_id: runId, run_name: tooLong }), 'update');
    assertRefused(await t.client.api('runs/set-tag', { run_id: runId, key: 'mlflow.runName', value: tooLong }), 'set-tag');
    assertRefused(await t.client.api('runs/create', { experiment_id: experimentId, run_name: 'r'.repeat(1024 * 1024) }), '1 MB');
    const longest = 'r'.repeat(8000);
    assert.equal((await t.client.api('runs/update', { run_id: runId, run_name: longest })).status, 200);
    assert.equal(t.store.getRun(runId).info.run_name, longest);
  });

  test('a lone surrogate or bytes that are not UTF-8 are refused, not stored as U+FFFD', async () => {
    const raw = (body: string | Buffer) =>
      t.client.request('POST', '/api/2.0/mlflow/runs/log-parameter', { body, headers: { 'content-type': 'application/json' } });
    assertRefused(await raw(`{"run_id": "${runId}", "key": "lone", "value": "\\ud800x"}`), 'lone high surrogate');
    assertRefused(await raw(`{"run_id": "${runId}", "key": "lone", "value": "x\\uDC00"}`), 'lone low surrogate');
    assertRefused(await raw(`{"run_id": "${runId}", "key": "lone", "value": "ok", "\\ud800": 1}`), 'in a key');
    const invalid = Buffer.concat([Buffer.from(`{"run_id": "${runId}", "key": "lone", "value": "`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    assertRefused(await raw(invalid), 'not UTF-8');
    assert.equal(t.store.getRun(runId).data.params?.find((p) => p.key === 'lone'), undefined, 'nothing was stored');
    // The control: a whole pair, escaped or not, is text and is kept as it came.
    assert.equal((await raw(`{"run_id": "${runId}", "key": "pair", "value": "\\ud83d\\ude00 😀"}`)).status, 200);
    assert.equal(t.store.getRun(runId).data.params?.find((p) => p.key === 'pair')?.value, '😀 😀');
  });
});

describe('a full disk', () => {
  test('is answered 507 (which the MLflow client does not retry) with a message that says the disk is full', { skip: !existsSync('/dev/full') }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-disk-full-'));
    const storeDir = path.join(dir, '.runlens');
    try {
      // A store with one acknowledged run, reopened on a journal where every write finds the disk full.
      const first = await Database.open({ dir: storeDir });
      const acknowledged = new TrackingStore(first).createRun({ runName: 'kept' }).info.run_id;
      first.close();
      unlinkSync(path.join(storeDir, 'journal'));
      symlinkSync('/dev/full', path.join(storeDir, 'journal'));
      const db = await Database.open({ dir: storeDir, idleCheckpointMs: 0 });
      const store = new TrackingStore(db);
      const logged: string[] = [];
      const token = 'disk-full-token-0123456789';
      const server = await startServer({ store, registry: new ModelRegistry(db), artifacts: new ArtifactStore(path.join(dir, 'artifacts')), traces: new TraceStore(db, new SpanFiles(path.join(dir, 'traces'))), token, log: (m) => logged.push(m) });
      const client = new HttpClient(server.url, token);
      try {
        const reply = await client.api('runs/create', { run_name: 'lost' });
        assert.equal(reply.status, 507, reply.text);
        assert.match(reply.json<{ message: string }>().message, /disk is full/);
        assert.ok(!reply.text.includes(dir), 'no server path in the message');
        assert.equal(store.getRun(acknowledged).info.run_name, 'kept', 'what was acknowledged before is still there');
      } finally {
        client.close();
        await server.close();
        try {
          db.close();
        } catch {
          // the final checkpoint of a store whose journal is /dev/full may fail; nothing to keep
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
