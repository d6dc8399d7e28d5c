import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { WriteTransaction } from '../../../src/core/store/databaseApi';
import { runFolder } from '../../../src/core/store/series/seriesFiles';
import { logBatch } from '../../../src/core/store/tracking/runWrites';
import { createRun } from '../../../src/core/store/tracking/runs';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { tempDir } from './storeTestKit';

// A write's metric points go to the history files at once (so the write reads its own points); a rolled-back write
// that made its runs, as a cancelled import does, must not leave their files behind with no run to read them.

const metrics = (count: number) => Array.from({ length: count }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 1_700_000_000_000 + step, step }));

function historyFolders(dir: string): string[] {
  const folder = path.join(dir, 'metrics');
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

describe('a rolled-back write and the history files', () => {
  it("removes the files of the runs it made, in a long write cancelled between slices, and keeps an existing run's", async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ dir, idleCheckpointMs: 0 });
    const tracking = new TrackingStore(db);
    const kept = tracking.createRun({ experimentId: '0' }).info.run_id;
    tracking.logBatch(kept, { metrics: metrics(10) });
    assert.deepEqual(historyFolders(dir), [runFolder(kept)]);

    const cancel = new AbortController();
    let made: string | undefined;
    const importing = db.writeInSlices(
      function* (tx: WriteTransaction): Generator<void, void, void> {
        made = createRun(tx, { experimentId: '0' }, Date.now()).info.run_id;
        logBatch(tx, made, { metrics: metrics(1000) });
        logBatch(tx, kept, { metrics: metrics(20).map((m) => ({ ...m, step: m.step + 10 })) });
        cancel.abort(new Error('cancelled'));
        yield;
      },
      { sliceMs: 0, signal: cancel.signal },
    );
    await assert.rejects(importing, /cancelled/);
    assert.ok(made);
    assert.deepEqual(historyFolders(dir), [runFolder(kept)], "the made run's files are gone, the existing run's stay");
    assert.equal(tracking.getMetricHistory(kept, 'loss').metrics.length, 10, 'the existing run reads only its committed points');

    // A plain write that throws, the same.
    assert.throws(() =>
      db.write((tx) => {
        const run = createRun(tx, { experimentId: '0' }, Date.now()).info.run_id;
        logBatch(tx, run, { metrics: metrics(5) });
        throw new Error('refused');
      }),
    );
    assert.deepEqual(historyFolders(dir), [runFolder(kept)]);
    db.close();
  });
});
