// Every write of the tracking store is journaled as statements and replayed after a crash, so its
// statements must rebuild exactly the same state. Open a durable store, write through every kind of
// operation, copy the folder as a crash would leave it (image plus journal, no checkpoint), open the
// copy and compare what both stores read back.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { storeFiles } from '../../../src/core/store/storeFiles';
import { TrackingStore } from '../../../src/core/store/trackingStore';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-tracking-'));
  dirs.push(dir);
  return dir;
}

async function openDurable(dir: string): Promise<TrackingStore> {
  return new TrackingStore(await Database.open({ dir, idleCheckpointMs: 0, checkpointBytes: 1 << 30 }));
}

test('the journal replays every tracking write to the same state', async () => {
  const dir = tempDir();
  const store = await openDurable(dir);
  const experimentId = store.createExperiment({ name: 'replayed', tags: [{ key: 'team', value: 'ml' }] });
  const runId = store.createRun({ experimentId, userId: 'root', tags: [{ key: 'mlflow.source.name', value: 'train.py' }] }).info.run_id;
  store.logParam(runId, 'lr', '0.01');
  [NaN, Infinity, -Infinity, 0.5].forEach((value, step) => store.logMetric(runId, { key: 'odd', value, timestamp: 10 + step, step }));
  store.logBatch(runId, {
    metrics: Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 3}`, value: Math.sin(i), timestamp: 1000 - i, step: i % 50 })),
    params: [{ key: 'depth', value: '5' }],
    tags: [{ key: 'mlflow.runName', value: 'renamed' }],
  });
  const model = store.createLoggedModel({ experimentId, sourceRunId: runId, params: [{ key: 'alpha', value: '1' }] }).info.model_id;
  store.logBatch(runId, { metrics: [{ key: 'odd', value: 0.5, timestamp: 13, step: 3, modelId: model }] });
  store.finalizeLoggedModel(model, 'LOGGED_MODEL_READY');
  store.setLoggedModelTags(model, [{ key: 'stage', value: 'dev' }]);
  store.logInputs(runId, [{ dataset: { name: 'data', digest: 'abc', source_type: 'local', source: '/tmp/x' }, tags: [{ key: 'mlflow.data.context', value: 'train' }] }], [model]);
  store.logOutputs(runId, [{ modelId: model, step: 3 }]);
  store.updateRun(runId, { status: 'FINISHED', endTime: 99 });
  const doomed = store.createRun({ experimentId }).info.run_id;
  store.deleteRun(doomed);
  store.renameExperiment(experimentId, 'replayed-2');

  const copy = tempDir();
  for (const file of [storeFiles.database, storeFiles.journal]) copyFileSync(path.join(dir, file), path.join(copy, file));
  const replayed = await openDurable(copy);
  try {
    assert.ok(replayed.db.recovery.replayedRecords > 10, `replayed ${replayed.db.recovery.replayedRecords} records`);
    const snapshot = (s: TrackingStore) => ({
      experiments: s.searchExperiments({ viewType: 'ALL' }),
      runs: s.searchRuns({ experimentIds: [experimentId], runViewType: 'ALL' }),
      histories: ['odd', 'k0', 'k1', 'k2'].map((key) => s.getMetricHistory(runId, key)),
      model: s.getLoggedModel(model),
      latest: s.db.all('SELECT * FROM latest_metrics ORDER BY run_id, key'),
    });
    assert.deepEqual(snapshot(replayed), snapshot(store));
    assert.ok(Object.is(replayed.getMetricHistory(runId, 'odd').metrics[0].value, NaN));
  } finally {
    replayed.db.close();
    store.db.close();
  }
});
