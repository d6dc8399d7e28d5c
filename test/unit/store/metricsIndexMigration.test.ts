import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database, type OpenOptions } from '../../../src/core/store/database';
import { migrations } from '../../../src/core/store/schema';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { tempDir } from './storeTestKit';

// No background checkpoint: a database the test leaves open is what a crashed process leaves behind.
const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

function userVersion(db: Database): number | undefined {
  return db.get<{ user_version: number }>('PRAGMA user_version')?.user_version;
}

function historyIndexColumns(db: Database): string[] {
  return db.all<{ name: string }>("SELECT name FROM pragma_index_info('metrics_by_run_key') ORDER BY seqno").map((row) => row.name);
}

function allPoints(db: Database): unknown[] {
  return db.all('SELECT rowid, * FROM metrics ORDER BY rowid');
}

function integrity(db: Database): string | undefined {
  return db.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check;
}

describe('migration 3: the covering metrics index', () => {
  it('rebuilds the index of a store made at migration 2, keeps every point, and survives a crash right after', async (t) => {
    const dir = tempDir(t);
    const old = await Database.open({ ...manual, dir, migrations: migrations.slice(0, 2) });
    assert.equal(userVersion(old), 2);
    assert.deepEqual(historyIndexColumns(old), ['run_id', 'key', 'step', 'timestamp']);
    const tracking = new TrackingStore(old);
    const runId = tracking.createRun({ experimentId: '0' }).info.run_id;
    // Logged out of order, with ties on step and timestamp, NaN (stored as NULL) and both infinities.
    for (let first = 0; first < 2000; first += 1000) {
      tracking.logBatch(runId, {
        metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'curve', value: Math.sin(first + i), timestamp: first + i, step: ((first + i) * 7919) % 2000 })),
      });
    }
    tracking.logBatch(runId, { metrics: [3, NaN, Infinity, -Infinity, 0.5].map((value) => ({ key: 'ties', value, timestamp: 10, step: 1 })) });
    const before = allPoints(old);
    old.close();

    const upgraded = await Database.open({ ...manual, dir });
    assert.equal(userVersion(upgraded), migrations[migrations.length - 1].version);
    assert.deepEqual(historyIndexColumns(upgraded), ['run_id', 'key', 'step', 'timestamp', 'value', 'is_nan']);
    assert.equal(integrity(upgraded), 'ok');
    assert.deepEqual(allPoints(upgraded), before, 'every point as it was, rowids included');
    const history = new TrackingStore(upgraded);
    assert.deepEqual(
      history.getMetricHistory(runId, 'ties').metrics.map((point) => point.value),
      [NaN, -Infinity, 0.5, 3, Infinity],
    );
    assert.deepEqual(
      history.getMetricHistory(runId, 'curve').metrics.map((point) => point.step),
      Array.from({ length: 2000 }, (_, i) => i),
    );

    // Not closed: the migration is only in the journal, and the next open replays it onto the old image.
    const afterCrash = await Database.open({ ...manual, dir });
    // One journal record per migration after 2 (each is its own write).
    assert.equal(afterCrash.recovery.replayedRecords, migrations.length - 2, 'the migrations came back from the journal');
    assert.equal(userVersion(afterCrash), userVersion(upgraded));
    assert.deepEqual(historyIndexColumns(afterCrash), ['run_id', 'key', 'step', 'timestamp', 'value', 'is_nan']);
    assert.equal(integrity(afterCrash), 'ok');
    assert.deepEqual(allPoints(afterCrash), before);
    afterCrash.close();
  });
});
