// Pushing local runs to a second RunLens server process (`runlens serve`, which speaks MLflow's
// REST API) through a proxy that drops connections and answers 503 in the middle of the sync:
// the push gets through, and afterwards the server holds exactly what the local store holds.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { storeRootOf } from '../../../src/core/store/runArtifactRoot';
import { artifactFilesOf } from '../../../src/core/export/artifactFiles';
import { pushRuns } from '../../../src/remote/push/pushRuns';
import { hostKey } from '../../../src/remote/client/remoteServer';
import { pushableTags, sourceRunTag, syncTagKeys, tagValue } from '../../../src/remote/client/syncTags';
import { openTestStore, readArtifact, sortedByKey, tempFolder, type TestStore } from '../importers/support/importKit';
import { startFlakyProxy, type FlakyProxy } from './support/flakyProxy';
import { logPoints, points, seedRuns, writeFiles, type SeededRuns } from './support/localRuns';
import { RemoteReader } from './support/remoteReads';
import { serveInChild, type Served } from './support/runlensProcess';

const quick = { retry: { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 20 } };

describe('push to a remote MLflow server', () => {
  let remoteDir: string;
  let remote: Served;
  let proxy: FlakyProxy;
  let local: TestStore;
  let seeded: SeededRuns;
  let reader: RemoteReader;

  before(async () => {
    remoteDir = tempFolder('runlens-remote-');
    remote = await serveInChild(remoteDir);
    proxy = await startFlakyProxy(remote.url, () => 'pass');
    reader = new RemoteReader(remote.url, remote.token);
    local = await openTestStore();
    seeded = await seedRuns(local);
  });
  after(async () => {
    await proxy.close();
    await remote.stop();
    local.close();
    rmSync(remoteDir, { recursive: true, force: true });
  });

  const server = () => ({ url: proxy.url, token: remote.token });
  const keys = () => syncTagKeys(hostKey(proxy.url));
  const remoteRunOf = (runId: string) => tagValue(local.tracking.getRun(runId).data.tags, keys().runId) ?? '';

  /** The server's copy of a local run, compared part by part; returns the remote run id. */
  async function assertPushed(runId: string): Promise<string> {
    const original = local.tracking.getRun(runId);
    const remoteId = remoteRunOf(runId);
    assert.match(remoteId, /^[0-9a-f]{32}$/, `run ${runId} has its remote id in a tag`);
    const { run } = await reader.run(remoteId);
    assert.deepEqual(
      { status: run.info.status, start: run.info.start_time, end: run.info.end_time, name: run.info.run_name },
      { status: original.info.status, start: original.info.start_time, end: original.info.end_time, name: original.info.run_name },
    );
    assert.deepEqual(sortedByKey(run.data.params), sortedByKey(original.data.params));
    assert.deepEqual(sortedByKey(run.data.tags), sortedByKey([...pushableTags(original.data.tags), { key: sourceRunTag, value: runId }]));
    for (const { key } of original.data.metrics ?? []) {
      assert.deepEqual(await reader.history(remoteId, key), local.tracking.getMetricHistory(runId, key).metrics, `history of ${key}: nothing lost, nothing twice`);
    }
    const files = artifactFilesOf(local.artifacts, original.info.artifact_uri);
    const expected = new Map<string, Buffer>();
    for (const entry of (await files?.list()) ?? []) expected.set(entry.path, await readArtifact(local.artifacts, `${storeRootOf(original.info.artifact_uri)}/${entry.path}`));
    assert.deepEqual(await reader.artifacts(storeRootOf(run.info.artifact_uri) ?? ''), expected);
    return remoteId;
  }

  test('gets everything through drops and 503s mid-sync, with nothing duplicated or lost', async () => {
    // The first run and model creates are carried out but their replies lost; then a steady mix of faults.
    const lostReplies = new Set<string>();
    proxy.decide = ({ index, url }) => {
      if ((url.endsWith('/runs/create') || url.endsWith('/mlflow/logged-models')) && !lostReplies.has(url)) {
        lostReplies.add(url);
        return 'drop-after';
      }
      return index % 7 === 3 ? 'drop-after' : index % 5 === 2 ? 'unavailable' : index % 11 === 6 ? 'drop-before' : 'pass';
    };
    const summary = await pushRuns(local, {}, server(), quick);
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.runs.pushed, 3, 'the deleted run is not pushed');
    assert.equal(summary.counts.runsCreated, 3);
    assert.ok(proxy.counts['drop-after'] > 3 && proxy.counts.unavailable > 3 && proxy.counts['drop-before'] > 2, JSON.stringify(proxy.counts));
    const localPoints = [seeded.finished, seeded.running, seeded.failed].reduce(
      (n, id) => n + local.db.get<{ n: number }>('SELECT SUM(point_count) AS n FROM latest_metrics WHERE run_id = ?', [id])!.n,
      0,
    );
    assert.equal(summary.counts.metricPoints, localPoints);

    const finished = await assertPushed(seeded.finished);
    await assertPushed(seeded.running);
    await assertPushed(seeded.failed);
    const { run } = await reader.run(finished);
    assert.deepEqual(run.inputs?.dataset_inputs?.map((i) => i.dataset.name), ['imagenet-mini']);

    // The logged model: created once, its files uploaded, finalized; linked from the run's output.
    const model = local.tracking.getLoggedModel(seeded.modelId);
    const remoteModelId = tagValue(model.info.tags, keys().modelId) ?? '';
    assert.deepEqual(run.outputs?.model_outputs, [{ model_id: remoteModelId, step: 1499 }]);
    const remoteModel = (await reader.get<{ model: { info: { status: string; source_run_id: string; name: string; artifact_uri: string }; data: { params?: unknown[] } } }>(`/api/2.0/mlflow/logged-models/${remoteModelId}`)).model;
    assert.deepEqual(
      { status: remoteModel.info.status, source: remoteModel.info.source_run_id, name: remoteModel.info.name, params: remoteModel.data.params },
      { status: 'LOGGED_MODEL_READY', source: finished, name: 'resnet_model', params: [{ key: 'depth', value: '18' }] },
    );
    assert.deepEqual(
      [...(await reader.artifacts(storeRootOf(remoteModel.info.artifact_uri) ?? '')).keys()].sort(),
      ['MLmodel', 'data/model.pth'],
    );

    // One remote run per local run and one model, though creates had their replies dropped.
    const experiment = (await reader.get<{ experiment: { experiment_id: string } }>('/api/2.0/mlflow/experiments/get-by-name?experiment_name=vision')).experiment;
    const search = await reader.post<{ runs?: unknown[] }>('/api/2.0/mlflow/runs/search', { experiment_ids: [experiment.experiment_id], run_view_type: 'ALL' });
    assert.equal(search.runs?.length, 2);
    assert.equal(lostReplies.size, 2);
    const models = await reader.post<{ models?: unknown[] }>('/api/2.0/mlflow/logged-models/search', { experiment_ids: [experiment.experiment_id] });
    assert.equal(models.models?.length, 1);
  });

  test('pushing again sends nothing; then only what is new goes', async () => {
    proxy.decide = () => 'pass';
    const again = await pushRuns(local, {}, server(), quick);
    assert.deepEqual(again.runs, { pushed: 0, upToDate: 3, failed: 0 });
    assert.deepEqual(
      { ...again.counts },
      { runsCreated: 0, metricPoints: 0, params: 0, tags: 0, loggedModelsCreated: 0, registeredModelsCreated: 0, modelVersionsCreated: 0, files: 0, bytes: 0 },
    );

    const { running } = seeded;
    logPoints(local, running, points(['loss', 'acc'], 300, 800));
    local.tracking.logBatch(running, { tags: [{ key: 'stage', value: 'tuned' }], params: [{ key: 'heads', value: '12' }] });
    await writeFiles(local, local.tracking.getRun(running).info.artifact_uri, { 'late.txt': Buffer.from('written later') });
    local.tracking.updateRun(running, { status: 'FINISHED', endTime: 1_700_000_500_000 });
    const update = await pushRuns(local, { runIds: [running] }, server(), quick);
    assert.deepEqual(update.failures, []);
    assert.deepEqual(
      { points: update.counts.metricPoints, params: update.counts.params, tags: update.counts.tags, files: update.counts.files, created: update.counts.runsCreated },
      { points: 600, params: 1, tags: 1, files: 1, created: 0 },
    );
    await assertPushed(running);
  });

  test('a push cut off by an outage stops; the next push resumes where it stopped, without duplicates', async () => {
    const longRun = local.tracking.createRun({ runName: 'long', startTime: 1_700_000_000_300 }).info.run_id;
    logPoints(local, longRun, points(['loss'], 6000));
    let metricBatches = 0;
    proxy.decide = ({ url }) => {
      if (metricBatches >= 3) return 'drop-before';
      if (url.endsWith('/runs/log-batch')) metricBatches += 1;
      return 'pass';
    };
    const cut = await pushRuns(local, { runIds: [longRun] }, server(), { retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 5 } });
    assert.match(cut.interrupted ?? '', /failed 3 times/);
    assert.equal(cut.runs.failed, 1);
    const cursor = JSON.parse(tagValue(local.tracking.getRun(longRun).data.tags, keys().cursor) ?? '{}') as { points: Record<string, number> };
    const acknowledged = Object.values(cursor.points).reduce((n, count) => n + count, 0);
    assert.equal(acknowledged, 3000, 'the cursor stands after the three acknowledged batches');
    assert.equal((await reader.history(remoteRunOf(longRun), 'loss')).length, 3000);

    proxy.decide = ({ index }) => (index % 4 === 1 ? 'drop-after' : 'pass');
    const resumed = await pushRuns(local, { runIds: [longRun] }, server(), quick);
    assert.deepEqual(resumed.failures, []);
    assert.equal(resumed.counts.metricPoints, 3000, 'only the points the server had not acknowledged');
    assert.equal(resumed.counts.runsCreated, 0);
    await assertPushed(longRun);
  });
});
