import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileRuns } from '../../../src/core/editorLens/fileRuns';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { migrations } from '../../../src/core/store/schema';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { tempDir } from './storeTestKit';

const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };
const latestSchemaVersion = Math.max(...migrations.map((migration) => migration.version));

describe('migration 8: the index of tags by key and value', () => {
  it("a store of schema 7 gains the index, and the editor's read of a file's runs finds its old runs through it", async (t) => {
    const dir = tempDir(t);
    const older = new TrackingStore(await Database.open({ ...manual, dir, migrations: migrations.filter((migration) => migration.version <= 7) }));
    const experimentId = older.createExperiment({ name: 'old' });
    const runIds = [1000, 2000, 3000].map(
      (startTime) => older.createRun({ experimentId, startTime, tags: [{ key: 'mlflow.source.name', value: 'train.py' }] }).info.run_id,
    );
    older.createRun({ experimentId, startTime: 4000, tags: [{ key: 'mlflow.source.name', value: 'other.py' }] });
    assert.equal(older.db.get<{ user_version: number }>('PRAGMA user_version')?.user_version, 7);
    older.db.close();

    const store = new TrackingStore(await Database.open({ ...manual, dir }));
    assert.equal(store.db.get<{ user_version: number }>('PRAGMA user_version')?.user_version, latestSchemaVersion);
    assert.ok(store.db.get("SELECT 1 AS found FROM sqlite_master WHERE type = 'index' AND name = 'tags_by_key_value'"), 'the index exists');
    const plan = store.db
      .all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT k.run_id FROM tags AS k WHERE k.key = ? AND k.value IN (?, ?)", ['mlflow.source.name', 'a', 'b'])
      .map((row) => row.detail)
      .join(' | ');
    assert.match(plan, /USING COVERING INDEX tags_by_key_value/, 'a lookup by key and value uses it');
    const runs = readFileRuns(store, { sourceNames: ['train.py'], recent: 10, primaryMetricOf: () => undefined });
    assert.deepEqual(runs?.recent.map((run) => run.info.run_id), [...runIds].reverse());
    assert.equal(runs?.total, 3);
    store.db.close();
  });
});
