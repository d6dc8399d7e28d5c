import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runHistory } from '../../../src/core/export/storeReads';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { migrations } from '../../../src/core/store/schema';
import { type HistoryMoveProgress, moveHistoriesOutOfImage } from '../../../src/core/store/series/historyMove';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { tempDir } from './storeTestKit';

const latestSchemaVersion = Math.max(...migrations.map((migration) => migration.version));

// No background checkpoint: a database the test leaves open is what a crashed process leaves behind.
const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };
const runs = ['a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0', 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1'];

/** What RunLens wrote before migration 4: every point a row of `metrics`, and its latest value. */
function writeOldStore(db: Database): void {
  const insert = `INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  db.write((tx) => {
    tx.run(`INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (0, 'Default', 'x', 0, 0)`);
    for (const runId of runs) {
      tx.run(`INSERT INTO runs (run_id, experiment_id, status, start_time, artifact_uri) VALUES (?, 0, 'FINISHED', 0, 'x')`, [runId]);
      const rows: (string | number | null)[][] = [];
      // In order, long enough for several slices of the move.
      for (let i = 0; i < 6000; i++) rows.push([runId, 'curve', Math.sin(i), 0, 1000 + i, i, null, null, null]);
      // Out of order, with ties on step and timestamp, NaN (stored as NULL) and both infinities.
      for (let i = 0; i < 500; i++) rows.push([runId, 'shuffled', i / 3, 0, (i * 31) % 50, (i * 7919) % 100, null, null, null]);
      for (const value of [3, null, Infinity, -Infinity, 0.5]) rows.push([runId, 'ties', value, value === null ? 1 : 0, 10, 1, null, null, null]);
      // Points linked to a model and a dataset keep their links.
      rows.push([runId, 'ties', 7, 0, 10, 1, 'm-00000000000000000000000000000001', 'train', 'd1']);
      tx.runMany(insert, rows);
      for (const key of ['curve', 'shuffled', 'ties']) {
        const count = rows.filter((row) => row[1] === key).length;
        tx.run(
          `INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count)
           VALUES (?, ?, 0, 0, 0, 0, NULL, NULL, ?)`,
          [runId, key, count],
        );
      }
    }
  });
}

/** Each history as the old store read it (its covering index order), with the links. */
function oldHistories(db: Database): unknown[] {
  return db.values(
    `SELECT run_id, key, step, timestamp, value, is_nan, model_id, dataset_name, dataset_digest FROM metrics
     ORDER BY run_id, key, step, timestamp, value, is_nan, rowid`,
  ).map(([runId, key, step, timestamp, value, isNan, modelId, datasetName, datasetDigest]) => [
    runId,
    key,
    step,
    timestamp,
    isNan ? NaN : value,
    modelId,
    datasetName,
    datasetDigest,
  ]);
}

function newHistories(db: Database): unknown[] {
  return runs.flatMap((runId) =>
    runHistory(db, runId).map((p) => [runId, p.key, p.step, p.timestamp, p.value, p.modelId, p.datasetName, p.datasetDigest]),
  );
}

describe('migration 4: histories move out of the sql.js image', () => {
  it('moves an older store on first open, resumes after a kill mid-way, keeps every point and link, and shrinks the image', async (t) => {
    const dir = tempDir(t);
    const old = await Database.open({ ...manual, dir, migrations: migrations.slice(0, 3) });
    writeOldStore(old);
    const expected = oldHistories(old);
    assert.equal(expected.length, 2 * 6506);
    old.close();
    const imageBefore = statSync(path.join(dir, 'runlens.db')).size;

    // A first open that dies after two slices (never closed: only the journal knows what it did).
    const killed = await Database.open({ ...manual, dir });
    assert.equal(killed.get<{ v: number }>('SELECT user_version AS v FROM pragma_user_version')?.v, latestSchemaVersion);
    let reports = 0;
    await assert.rejects(
      moveHistoriesOutOfImage(killed, () => {
        if (++reports === 2) throw new Error('killed');
      }),
      /killed/,
    );

    const progress: HistoryMoveProgress[] = [];
    const store = await WorkspaceStore.open(dir, { ...manual, onMigrationProgress: (p) => progress.push(p) });
    try {
      assert.ok(progress.length >= 1, 'progress is reported');
      assert.ok(progress[0].movedPoints > 5000, 'the resumed move starts where the killed one stopped');
      assert.deepEqual(progress[progress.length - 1], { movedPoints: expected.length, totalPoints: expected.length });
      assert.deepEqual(newHistories(store.db), expected, 'every point, in history order, with its links');
      assert.deepEqual(
        store.db.all('SELECT key, seq, model_id FROM metrics ORDER BY run_id'),
        runs.map(() => ({ key: 'ties', seq: 5, model_id: 'm-00000000000000000000000000000001' })),
        'only linked points keep a row, numbered by their place in the history',
      );
      assert.deepEqual(
        store.tracking.getMetricHistory(runs[0], 'ties').metrics.map((point) => point.value),
        [NaN, -Infinity, 0.5, 3, 7, Infinity],
      );
      // Logging goes on after the moved points.
      store.tracking.logMetric(runs[0], { key: 'curve', value: 42, timestamp: 99_999, step: 6000 });
      assert.equal(store.tracking.getMetricHistory(runs[0], 'curve').metrics.at(-1)?.value, 42);
      assert.ok(statSync(path.join(dir, 'runlens.db')).size < imageBefore / 4, 'the image no longer holds the points');
    } finally {
      store.close();
    }

    const again: HistoryMoveProgress[] = [];
    const reopened = await WorkspaceStore.open(dir, { ...manual, onMigrationProgress: (p) => again.push(p) });
    try {
      assert.deepEqual(again, [], 'a moved store does not move again');
      assert.equal(reopened.tracking.getMetricHistory(runs[1], 'curve').metrics.length, 6000);
    } finally {
      reopened.close();
    }
  });
});

describe('migration 4 on a big older store', () => {
  it('moves every history of many runs, keeps their params, and leaves an image without free pages, the loop turning throughout', async (t) => {
    const dir = tempDir(t);
    const runCount = 400;
    const runIds = Array.from({ length: runCount }, (_, r) => r.toString(16).padStart(32, '0'));
    const old = await Database.open({ ...manual, dir, migrations: migrations.slice(0, 3) });
    old.write((tx) => {
      tx.run(`INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (0, 'Default', 'x', 0, 0)`);
      for (const runId of runIds) {
        tx.run(`INSERT INTO runs (run_id, experiment_id, status, start_time, artifact_uri) VALUES (?, 0, 'FINISHED', 0, 'x')`, [runId]);
        tx.runMany(
          'INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)',
          Array.from({ length: 20 }, (_, k) => [runId, `param_${k}`, `${runId}/${k}`]),
        );
        for (const key of ['loss', 'accuracy']) {
          tx.runMany(
            'INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, 0, ?, ?)',
            Array.from({ length: 150 }, (_, i) => [runId, key, i / 7, 1000 + i, i]),
          );
          tx.run(
            `INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count)
             VALUES (?, ?, 0, 0, 0, 0, NULL, NULL, 150)`,
            [runId, key],
          );
        }
      }
    });
    old.close();
    const imageBefore = statSync(path.join(dir, 'runlens.db')).size;

    const db = await Database.open({ ...manual, dir });
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    let moved: number;
    try {
      moved = await moveHistoriesOutOfImage(db);
    } finally {
      clearInterval(ticker);
      db.close();
    }
    assert.equal(moved, runCount * 300);
    // 24 slices of the move, then the compaction's: the loop turns between them all.
    assert.ok(turns >= 30, `the loop turned ${turns} times`);
    assert.ok(statSync(path.join(dir, 'runlens.db')).size < imageBefore / 2, 'the image no longer holds the points');

    const store = await WorkspaceStore.open(dir, manual);
    try {
      assert.equal(store.db.get<{ n: number }>('SELECT freelist_count AS n FROM pragma_freelist_count')?.n, 0, 'no free pages left');
      assert.equal(store.db.get<{ n: number }>('SELECT count(*) AS n FROM metrics')?.n, 0);
      assert.equal(store.db.get<{ n: number }>('SELECT count(*) AS n FROM params')?.n, runCount * 20);
      for (const runId of [runIds[0], runIds[runCount - 1]]) {
        assert.deepEqual(
          store.tracking.getMetricHistory(runId, 'accuracy').metrics.map((point) => [point.step, point.value]),
          Array.from({ length: 150 }, (_, i) => [i, i / 7]),
        );
      }
    } finally {
      store.close();
    }
  });
});

describe('migration 3 on a store made before it', () => {
  /** Every table, index and trigger with its CREATE text: what a store's schema is. */
  function schemaOf(db: Database): unknown[][] {
    return db.values("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  }

  it('leaves the history index to the end of the move when the store holds points, and ends with a new store\'s schema', async (t) => {
    const dir = tempDir(t);
    const runId = 'a'.repeat(32);
    const old = await Database.open({ ...manual, dir, migrations: migrations.filter((m) => m.version < 3) });
    old.write((tx) => {
      tx.run(`INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (0, 'Default', 'x', 0, 0)`);
      tx.run(`INSERT INTO runs (run_id, experiment_id, status, start_time, artifact_uri) VALUES (?, 0, 'FINISHED', 0, 'x')`, [runId]);
      tx.runMany(
        'INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, 0, ?, ?)',
        Array.from({ length: 3000 }, (_, i) => [runId, 'loss', 1 / (i + 1), 1000 + i, i]),
      );
      tx.run(
        `INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count)
         VALUES (?, 'loss', 0, 0, 0, 0, NULL, NULL, 3000)`,
        [runId],
      );
    });
    old.close();

    const migrated = await Database.open({ ...manual, dir });
    const hasIndex = (): boolean => migrated.get("SELECT 1 AS found FROM sqlite_master WHERE name = 'metrics_by_run_key'") !== undefined;
    assert.equal(hasIndex(), false, 'not built over the points the move deletes');
    assert.equal(await moveHistoriesOutOfImage(migrated), 3000);
    assert.equal(hasIndex(), true);
    const fresh = await Database.open({ ...manual, dir: tempDir(t) });
    assert.deepEqual(schemaOf(migrated), schemaOf(fresh));
    fresh.close();
    migrated.close();

    const store = await WorkspaceStore.open(dir, manual);
    try {
      assert.deepEqual(store.tracking.getMetricHistory(runId, 'loss').metrics.slice(0, 2).map((point) => point.step), [0, 1]);
    } finally {
      store.close();
    }
  });

  it('builds the history index at once in a new store', async () => {
    const db = await Database.open({ migrations });
    assert.ok(db.get("SELECT 1 AS found FROM sqlite_master WHERE name = 'metrics_by_run_key'"));
    db.close();
  });
});
