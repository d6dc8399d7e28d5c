import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { migrations } from '../../../src/core/store/schema';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { tempDir } from './storeTestKit';

const latestSchemaVersion = Math.max(...migrations.map((migration) => migration.version));

const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

describe('migration 5: evaluation datasets, scorers, logged_model_metrics', () => {
  it('copies the model links of an older store into logged_model_metrics, so its models keep their metrics', async (t) => {
    const dir = tempDir(t);
    const old = await Database.open({ ...manual, dir, migrations: migrations.filter((m) => m.version <= 3) });
    const tracking = new TrackingStore(old);
    const runId = tracking.createRun({ experimentId: '0' }).info.run_id;
    const modelId = 'm-0123456789abcdef0123456789abcdef';
    // What the older store wrote: the model, and the link on the history points only.
    old.write((tx) => {
      tx.run(
        `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, source_run_id)
         VALUES (?, 0, 'clf', 'mlflow-artifacts:/0/models/x/artifacts', 1, 1, 'LOGGED_MODEL_READY', ?)`,
        [modelId, runId],
      );
      tx.runMany(
        'INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          [runId, 'acc', 0.9, 0, 10, 0, modelId, 'eval', 'abc'],
          [runId, 'acc', null, 1, 11, 1, modelId, null, null],
          [runId, 'loss', 0.3, 0, 12, 0, null, null, null],
        ],
      );
    });
    old.close();

    const upgraded = await Database.open({ ...manual, dir });
    assert.equal(upgraded.get<{ user_version: number }>('PRAGMA user_version')?.user_version, latestSchemaVersion);
    const model = new TrackingStore(upgraded).getLoggedModel(modelId);
    assert.deepEqual(model.data.metrics, [
      { key: 'acc', value: 0.9, timestamp: 10, step: 0, dataset_name: 'eval', dataset_digest: 'abc', model_id: modelId, run_id: runId },
      { key: 'acc', value: NaN, timestamp: 11, step: 1, model_id: modelId, run_id: runId },
    ]);
    for (const table of ['evaluation_datasets', 'evaluation_dataset_records', 'scorers', 'scorer_versions']) {
      assert.equal(upgraded.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)?.n, 0, table);
    }
    upgraded.close();
  });

  it('a model metric logged from any run is the model\'s, kept once however often it is re-logged', async () => {
    const db = await Database.open();
    const tracking = new TrackingStore(db);
    const source = tracking.createRun({ experimentId: '0' }).info.run_id;
    const other = tracking.createRun({ experimentId: '0' }).info.run_id;
    const modelId = tracking.createLoggedModel({ experimentId: '0', name: 'm', sourceRunId: source }).info.model_id;
    const point = { key: 'f1', value: 0.7, timestamp: 5, step: 2, modelId, datasetName: 'test', datasetDigest: 'd1' };
    tracking.logMetric(other, point);
    tracking.logBatch(other, { metrics: [point] });
    tracking.logMetric(other, { key: 'unlinked', value: 1, timestamp: 5, step: 0 });
    assert.deepEqual(tracking.getLoggedModel(modelId).data.metrics, [
      { key: 'f1', value: 0.7, timestamp: 5, step: 2, dataset_name: 'test', dataset_digest: 'd1', model_id: modelId, run_id: other },
    ]);
    db.close();
  });
});
