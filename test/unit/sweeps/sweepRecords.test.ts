import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { migrations } from '../../../src/core/store/schema';
import { SweepQueue } from '../../../src/core/sweeps/sweepQueue';
import { activeSweeps, insertSweep, pointLaunches, savePoint, setSweepState, sweepHolder, sweepOfParentRun, sweepPoints, takeBackSweeps } from '../../../src/core/sweeps/sweepRecords';
import { insertLaunch } from '../../../src/core/launches/launchRows';
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
    insertSweep(db, { sweepId: 's1', parentRunId: 'p1', script: '/w/train.py', spec, concurrency: 2, state: 'active', createdTime: 5 }, states, process.pid);
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

  it("finds each point's latest launch from the captures, ignoring other sweeps, launches before the sweep and records without a point index", async (t) => {
    const db = await Database.open({ ...manual, dir: tempDir(t) });
    const spec = validateSweepSpec({ parameters: { lr: [0.1, 0.2] } });
    const record = { sweepId: 's1', parentRunId: 'p1', script: '/w/train.py', spec, concurrency: 1, state: 'active' as const, createdTime: 100 };
    insertSweep(db, record, SweepQueue.queued(expandSweep(spec)), process.pid);
    const launch = (launchId: string, createdTime: number, sweep: object | undefined) =>
      db.write((tx) => insertLaunch(tx, { launchId, tokenSha256: launchId, createdTime, captureJson: JSON.stringify({ launchId, ...(sweep ? { sweep } : {}) }) }));
    launch('before', 50, { sweepId: 's1', parentRunId: 'p1', values: {}, pointIndex: 0 });
    launch('first', 110, { sweepId: 's1', parentRunId: 'p1', values: {}, pointIndex: 0 });
    launch('retry', 120, { sweepId: 's1', parentRunId: 'p1', values: {}, pointIndex: 0 });
    launch('other', 130, { sweepId: 's2', parentRunId: 'p2', values: {}, pointIndex: 1 });
    launch('older', 140, { sweepId: 's1', parentRunId: 'p1', values: {} });
    launch('plain', 150, undefined);
    const found = pointLaunches(db, record);
    assert.deepEqual([...found.entries()].map(([index, row]) => [index, row.launch_id]), [[0, 'retry']]);
    db.close();
  });

  it('a sweep of a store made before holders (migration 10) is taken back by the first window that asks; then only once its holder is gone', async (t) => {
    const dir = tempDir(t);
    const older = await Database.open({ ...manual, dir, migrations: migrations.filter((migration) => migration.version < 10) });
    older.write((tx) =>
      tx.run(`INSERT INTO sweeps (sweep_id, parent_run_id, script, spec_json, concurrency, state, created_time) VALUES ('s1', 'p1', '/w/train.py', '{"parameters":{"lr":[1]}}', 1, 'active', 5)`),
    );
    older.close();

    const db = await Database.open({ ...manual, dir });
    assert.equal(sweepHolder(db, 's1'), undefined, 'no process claimed it before');
    const alive = new Set<number>([100, 200]);
    const isAlive = (pid: number) => alive.has(pid);
    assert.deepEqual(takeBackSweeps(db, 100, isAlive).taken.map((record) => record.sweepId), ['s1']);
    assert.equal(sweepHolder(db, 's1'), 100);
    assert.deepEqual(takeBackSweeps(db, 200, isAlive), { taken: [], heldElsewhere: 1 }, 'a live holder keeps it');
    assert.deepEqual(takeBackSweeps(db, 100, isAlive), { taken: [], heldElsewhere: 0 }, 'its holder asking again gets nothing new');
    alive.delete(100);
    assert.deepEqual(takeBackSweeps(db, 200, isAlive).taken.map((record) => record.sweepId), ['s1'], 'once its holder is gone');
    setSweepState(db, 's1', 'ended');
    alive.delete(200);
    assert.deepEqual(takeBackSweeps(db, 300, isAlive), { taken: [], heldElsewhere: 0 }, 'an ended sweep is nobody\'s to run');
    db.close();
  });
});
