import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { migrations } from '../../../src/core/store/schema';
import { SweepQueue } from '../../../src/core/sweeps/sweepQueue';
import { activeSweeps, insertSweep, savePoint, setSweepState, sweepOfParentRun, sweepPoints } from '../../../src/core/sweeps/sweepRecords';
import { expandSweep, validateSweepSpec } from '../../../src/core/sweeps/sweepSpec';
import { tempDir } from '../store/storeTestKit';

const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

describe('sweep records (migration 7)', () => {
  it('a store made before sweeps gains them; a sweep\'s queue read back after the store is closed and opened resumes where it was', async (t) => {
    const dir = tempDir(t);
    const older = await Database.open({ ...manual, dir, migrations: migrations.filter((migration) => migration.version < 8) });
    older.close();

    const db = await Database.open({ ...manual, dir });
    const spec = validateSweepSpec({ parameters: { lr: [0.1, 0.01, 0.001], batch: [16, 32] }, env: { SEED: [1] } });
    const states = SweepQueue.queued(expandSweep(spec));
    insertSweep(db, { sweepId: 's1', parentRunId: 'p1', script: '/w/train.py', spec, concurrency: 2, state: 'active', createdTime: 5 }, states);
    savePoint(db, 's1', { ...states[0], status: 'finished', runId: 'r0', attempts: 1 });
    savePoint(db, 's1', { ...states[1], status: 'running', attempts: 1 });
    // Closed without a checkpoint: the journal alone must bring the queue back.
    db.close();

    const reopened = await Database.open({ ...manual, dir });
    const [sweep] = activeSweeps(reopened);
    assert.equal(sweep.sweepId, 's1');
    assert.deepEqual(sweep.spec, spec);
    assert.equal(sweep.concurrency, 2);
    const points = sweepPoints(reopened, 's1');
    assert.deepEqual(points.map((point) => point.status), ['finished', 'running', 'queued', 'queued', 'queued', 'queued']);
    assert.equal(points[0].runId, 'r0');
    assert.deepEqual(points[5].point, expandSweep(spec)[5], 'the arguments and variables of each point come back as they were');
    assert.equal(sweepOfParentRun(reopened, 'p1')?.sweepId, 's1');
    assert.equal(sweepOfParentRun(reopened, 'other'), undefined);
    setSweepState(reopened, 's1', 'ended');
    assert.deepEqual(activeSweeps(reopened), [], 'an ended sweep is not resumed');
    reopened.close();
  });
});
