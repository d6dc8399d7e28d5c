// Issue 14 part B: the private routes a guest window reads and writes the store through, over real
// HTTP on loopback: the same answers as in process, the owner's token only, MLflow-shaped errors for
// bad input, and a change feed that answers a waiting request when the store is written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runStoreOperation } from '../../../src/core/store/storeOperations';
import { followOwnerChanges } from '../../../src/vscode/ownerChanges';
import { toResponseError } from '../../../src/dashboards/dashboardError';
import { ownerRefusalAsDashboardError } from '../../../src/vscode/dashboards/dashboardBackend';
import { ownerAccess } from '../../../src/vscode/ownerClient';
import { startTestServer, type TestServer } from './support/testServer';

const query = { filter: '', sort: { field: 'attributes.start_time', ascending: false }, showDeleted: false };

describe('guest routes', () => {
  let t: TestServer;
  let experimentId: string;
  let runIds: string[];

  before(async () => {
    t = await startTestServer();
    experimentId = t.store.createExperiment({ name: 'guest' });
    runIds = [];
    for (let i = 0; i < 3; i++) {
      const run = t.store.createRun({ experimentId, runName: `run-${i}`, startTime: 1_000 + i });
      runIds.push(run.info.run_id);
      t.store.logMetric(run.info.run_id, { key: 'loss', value: 1 / (i + 1), timestamp: 2_000, step: 0 });
    }
  });

  after(async () => {
    assert.deepEqual(t.logged, [], 'no request of this suite may be a server bug (500)');
    await t.close();
  });

  const parts = () => ({ tracking: t.store, traces: t.traces, artifacts: t.artifacts, registry: t.registry });
  const access = () => ownerAccess({ url: t.server.url, token: t.token }, t.artifactRoot);

  test('reads answer what the same operations answer in process', async () => {
    for (const [name, args] of [
      ['experimentsWithRuns', { query }],
      ['runPage', { experimentId, query, limit: 2 }],
      ['runPages', { query, pages: [{ experimentId, limit: 2 }, { experimentId, limit: 3 }] }],
      ['firstLoggedMetric', { experimentId }],
      ['metricSummaries', { runId: runIds[0] }],
      ['listExperiments', {}],
      ['countTraces', { experimentId }],
    ] as const) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one loop over differently typed operations
      const [remote, local] = await Promise.all([access().call(name, args as any), runStoreOperation(parts(), name, args as any)]);
      assert.deepEqual(remote, local, name);
    }
    const summaries = await access().call('experimentsWithRuns', { query });
    assert.deepEqual(
      summaries.map((s) => [s.name, s.runCount]),
      [['guest', 3]],
    );
    const page = await access().call('runPage', { experimentId, query, limit: 2 });
    assert.equal(page.runs.length, 2);
    assert.equal(page.hasMore, true);
    assert.equal(page.runs[0].info.run_name, 'run-2', 'newest first');

    // Many pages in one call, each as runPage reads it; a page whose search fails says why in its place.
    const pages = await access().call('runPages', { query, pages: [{ experimentId, limit: 2 }, { experimentId: '999999', limit: 2 }, { experimentId, limit: 5 }] });
    assert.deepEqual(pages, [page, { runs: [], hasMore: false }, await access().call('runPage', { experimentId, query, limit: 5 })]);
    assert.deepEqual(await access().call('runPages', { query, pages: [] }), []);
    const badFilter = await access().call('runPages', { query: { ...query, filter: 'metrics.loss <' }, pages: [{ experimentId, limit: 2 }] });
    assert.equal(badFilter.length, 1);
    assert.ok('error' in badFilter[0] && /loss|filter|syntax/i.test(badFilter[0].error), JSON.stringify(badFilter));
  });

  test("the editor's reads (a file's runs, a sparkline's values, the failed runs) answer what they answer in process", async () => {
    const tags = [{ key: 'mlflow.source.name', value: 'lens.py' }];
    const older = t.store.createRun({ experimentId, runName: 'lens-older', startTime: 5_000, tags }).info.run_id;
    const newer = t.store.createRun({ experimentId, runName: 'lens-newer', startTime: 6_000, tags }).info.run_id;
    for (const [runId, values] of [[older, [0.5, 0.1]], [newer, [0.9, 0.3]]] as const) {
      t.store.logBatch(runId, { metrics: values.map((value, step) => ({ key: 'mse', value, timestamp: 7_000, step })) });
    }
    const fileRuns = { sourceNames: ['lens.py'], recent: 5, primaryMetrics: { [experimentId]: 'mse' } };
    const remote = await access().call('fileRuns', fileRuns);
    assert.deepEqual(remote, await runStoreOperation(parts(), 'fileRuns', fileRuns));
    assert.deepEqual(remote.runs?.recent.map((run) => run.info.run_name), ['lens-newer', 'lens-older']);
    assert.equal(remote.runs?.best?.info.run_name, 'lens-older', 'mse: lower is better');
    const byDefault = await access().call('fileRuns', { ...fileRuns, primaryMetrics: {} });
    assert.equal(byDefault.runs?.primary?.key, 'loss', "without a known metric: the experiment's first logged one");
    assert.deepEqual(await access().call('fileRuns', { ...fileRuns, sourceNames: ['other.py'] }), {});
    assert.deepEqual(await access().call('metricValues', { runId: newer, key: 'mse', limit: 100 }), [0.9, 0.3]);
    assert.deepEqual(await access().call('latestFailedRuns', {}), await runStoreOperation(parts(), 'latestFailedRuns', {}));
    t.store.deleteRun(older);
    t.store.deleteRun(newer);
  });

  test('edits from a guest land in the store', async () => {
    const runId = runIds[1];
    await access().call('setTag', { runId, key: 'team', value: 'vision' });
    await access().call('renameRun', { runId, name: 'renamed' });
    const run = t.store.getRun(runId);
    assert.equal(run.data.tags?.find((tag) => tag.key === 'team')?.value, 'vision');
    assert.equal(run.info.run_name, 'renamed');
    await access().call('deleteTag', { runId, key: 'team' });
    await access().call('deleteRun', { runId });
    assert.equal(t.store.getRun(runId).info.lifecycle_stage, 'deleted');
    await access().call('restoreRun', { runId });
    assert.equal(t.store.getRun(runId).info.lifecycle_stage, 'active');
    assert.equal(
      t.store.getRun(runId).data.tags?.some((tag) => tag.key === 'team'),
      false,
    );
  });

  test('only the owner token, on a loopback Host, gets in', async () => {
    const path = '/api/2.0/runlens/store/listExperiments';
    const anonymous = await t.client.request('POST', path, { json: {}, token: null });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json().error_code, 'UNAUTHENTICATED');
    const wrong = await t.client.request('POST', path, { json: {}, token: 'x'.repeat(32) });
    assert.equal(wrong.status, 401);
    const rebound = await t.client.request('POST', path, { json: {}, headers: { host: `evil.example:${t.server.port}` } });
    assert.equal(rebound.status, 403);
    assert.equal(rebound.json().error_code, 'PERMISSION_DENIED');
    const changes = await t.client.request('GET', '/api/2.0/runlens/changes?since=', { token: null });
    assert.equal(changes.status, 401);
  });

  test('bad input is refused with MLflow-shaped errors and writes nothing', async () => {
    const before = JSON.stringify(t.store.getRun(runIds[0]));
    const cases: [string, unknown, number, string][] = [
      ['noSuchOperation', {}, 404, 'ENDPOINT_NOT_FOUND'],
      ['constructor', {}, 404, 'ENDPOINT_NOT_FOUND'],
      ['runPage', { experimentId, query, limit: 'all' }, 400, 'INVALID_PARAMETER_VALUE'],
      ['runPage', { experimentId, query, limit: 1e9 }, 400, 'INVALID_PARAMETER_VALUE'],
      ['runPage', { experimentId, query: { sort: { ascending: 'yes' } }, limit: 5 }, 400, 'INVALID_PARAMETER_VALUE'],
      ['runPage', { experimentId, query: { filter: "params.lr = '" }, limit: 5 }, 400, 'INVALID_PARAMETER_VALUE'],
      ['runPages', { query, pages: { experimentId, limit: 5 } }, 400, 'INVALID_PARAMETER_VALUE'],
      ['runPages', { query, pages: [{ experimentId, limit: 0 }] }, 400, 'INVALID_PARAMETER_VALUE'],
      ['runPages', { query, pages: [null] }, 400, 'INVALID_PARAMETER_VALUE'],
      ['runPages', { query, pages: Array.from({ length: 1001 }, () => ({ experimentId, limit: 1 })) }, 400, 'INVALID_PARAMETER_VALUE'],
      ['getRun', {}, 400, 'INVALID_PARAMETER_VALUE'],
      ['getRun', { runId: 42 }, 400, 'INVALID_PARAMETER_VALUE'],
      ['getRun', { runId: 'f'.repeat(32) }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      ['setTag', { runId: runIds[0], key: '../bad key', value: 'x' }, 400, 'INVALID_PARAMETER_VALUE'],
      ['setTag', { runId: runIds[0], key: 'k' }, 400, 'INVALID_PARAMETER_VALUE'],
      ['newestRuns', { experimentIds: [1], limit: 5 }, 400, 'INVALID_PARAMETER_VALUE'],
      ['fileRuns', { sourceNames: [], recent: 5 }, 400, 'INVALID_PARAMETER_VALUE'],
      ['fileRuns', { sourceNames: ['a.py'], recent: 5, primaryMetrics: { '1': 7 } }, 400, 'INVALID_PARAMETER_VALUE'],
      ['fileRuns', { sourceNames: ['a.py'], recent: 5, primaryMetrics: ['mse'] }, 400, 'INVALID_PARAMETER_VALUE'],
      ['metricValues', { runId: runIds[0], key: 'loss' }, 400, 'INVALID_PARAMETER_VALUE'],
    ];
    for (const [operation, body, status, code] of cases) {
      const reply = await t.client.post(`/api/2.0/runlens/store/${operation}`, body);
      assert.equal(reply.status, status, `${operation} ${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(reply.json().error_code, code, operation);
      assert.equal(typeof reply.json().message, 'string');
    }
    const broken = await t.client.request('POST', '/api/2.0/runlens/store/getRun', { body: '{"runId":', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.status, 400);
    assert.equal(JSON.stringify(t.store.getRun(runIds[0])), before);
  });

  test("a dashboard host action's refusal by the owner reaches the webview as what it is, not as an internal error", async () => {
    const refusal = async (name: 'getRun', args: unknown) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a bad argument on purpose
      const error = await access().call(name, args as any).then(() => assert.fail('the owner accepted it'), (e: unknown) => e);
      return toResponseError(ownerRefusalAsDashboardError(error));
    };
    assert.deepEqual(await refusal('getRun', { runId: 'f'.repeat(32) }), { code: 'notFound', message: `Run with id=${'f'.repeat(32)} not found` });
    assert.equal((await refusal('getRun', { runId: 42 })).code, 'invalidParams');
    const plain = new Error('a bug');
    assert.equal(ownerRefusalAsDashboardError(plain), plain, 'anything else is left to be reported as internal');
  });

  test('the change feed answers a waiting request when the store is written, and a stale cursor at once', async () => {
    const first = await t.client.get('/api/2.0/runlens/changes?since=');
    assert.equal(first.status, 200);
    const cursor = first.json<{ cursor: string }>().cursor;
    const waiting = t.client.get(`/api/2.0/runlens/changes?since=${encodeURIComponent(cursor)}`);
    let answered = false;
    void waiting.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(answered, false, 'nothing was written: the request waits');
    const wroteAt = Date.now();
    t.store.setTag(runIds[0], 'seen', 'yes');
    const reply = await waiting;
    assert.ok(Date.now() - wroteAt < 500, 'answered soon after the write');
    assert.notEqual(reply.json<{ cursor: string }>().cursor, cursor);
    const stale = await t.client.get('/api/2.0/runlens/changes?since=another-server.7');
    assert.equal(stale.json<{ cursor: string }>().cursor, reply.json<{ cursor: string }>().cursor);
  });

  test('a guest following the feed hears of each burst of writes', async () => {
    let heard = 0;
    const feed = followOwnerChanges({ url: t.server.url, token: t.token }, () => heard++);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(heard, 0, 'the first answer only says where the store stands');
      t.store.setTag(runIds[0], 'burst', '1');
      const deadline = Date.now() + 2_000;
      while (heard === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(heard >= 1, 'heard of the write');
    } finally {
      feed.dispose();
    }
  });
});

describe('guest dashboard route', () => {
  let t: TestServer;
  let runId: string;

  before(async () => {
    t = await startTestServer();
    const experimentId = t.store.createExperiment({ name: 'dash' });
    runId = t.store.createRun({ experimentId, runName: 'shown' }).info.run_id;
  });

  after(async () => {
    assert.deepEqual(t.logged, [], 'no request of this suite may be a server bug (500)');
    await t.close();
  });

  test("answers the dashboards' methods from the owner's store, and says why it refuses", async () => {
    const ok = await t.client.post('/api/2.0/runlens/dashboard/run/get', { params: { runId } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json<{ result: { header: { name: string } } }>().result.header.name, 'shown');
    const missing = await t.client.post('/api/2.0/runlens/dashboard/run/get', { params: { runId: 'f'.repeat(32) } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(missing.json().dashboard_code, 'notFound');
    const bad = await t.client.post('/api/2.0/runlens/dashboard/run/get', { params: { runId: 7 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().dashboard_code, 'invalidParams');
    const unknown = await t.client.post('/api/2.0/runlens/dashboard/no/such', { params: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().error_code, 'ENDPOINT_NOT_FOUND');
    const anonymous = await t.client.request('POST', '/api/2.0/runlens/dashboard/run/get', { json: { params: { runId } }, token: null });
    assert.equal(anonymous.status, 401);
  });
});
