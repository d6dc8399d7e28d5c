import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeProgress, SweepQueue, type PointState, type StartedPoint } from '../../../src/core/sweeps/sweepQueue';
import { expandSweep, validateSweepSpec } from '../../../src/core/sweeps/sweepSpec';

/** A launcher whose points end when the test says: it records how many ran at once. */
function fakeLauncher(fails: (state: PointState) => boolean) {
  const live = new Map<number, (ok: boolean) => void>();
  const started: number[] = [];
  let most = 0;
  return {
    started,
    live,
    get most() {
      return most;
    },
    async start(state: PointState): Promise<StartedPoint> {
      started.push(state.index);
      // Points that fail end at once, as a script with a bad argument does.
      if (fails(state)) return { stop: () => undefined, ended: Promise.resolve({ ok: false, runId: `run-${state.index}-${state.attempts}` }) };
      most = Math.max(most, live.size + 1);
      let finish!: (ok: boolean) => void;
      const ended = new Promise<{ ok: boolean; runId: string }>((resolve) => (finish = (ok) => resolve({ ok, runId: `run-${state.index}-${state.attempts}` })));
      live.set(state.index, (ok) => {
        live.delete(state.index);
        finish(ok);
      });
      return { stop: () => live.get(state.index)?.(false), ended };
    },
    /** Ends every running point, successfully, and lets the queue start the next ones. */
    async finishAll(): Promise<void> {
      for (const end of [...live.values()]) end(true);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const grid = () => expandSweep(validateSweepSpec({ parameters: { lr: [0.1, 0.01, 0.001], batch: [16, 32] } }));

describe('the sweep queue', () => {
  test('a point still running when the queue is made again (a window reloaded) is adopted: it counts against the limit, ends once, and is not started again', async () => {
    const launcher = fakeLauncher(() => false);
    const states = SweepQueue.queued(grid()).map((state): PointState =>
      state.index === 0 ? { ...state, status: 'finished', runId: 'run-0-1', attempts: 1 } : state.index === 1 ? { ...state, status: 'running', attempts: 1 } : state,
    );
    const queue = new SweepQueue(states, { concurrency: 1, start: (state) => launcher.start(state) });
    let endAdopted!: (ok: boolean) => void;
    queue.adopt(1, { stop: () => endAdopted(false), ended: new Promise((resolve) => (endAdopted = (ok) => resolve({ ok, runId: 'run-1-1' }))) });
    const ended = queue.run();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(launcher.started, [], 'the adopted point holds the only slot');
    endAdopted(true);
    await new Promise((resolve) => setImmediate(resolve));
    while (launcher.live.size > 0) await launcher.finishAll();
    await ended;
    assert.deepEqual(launcher.started, [2, 3, 4, 5], 'the finished and the adopted points are not started again');
    assert.deepEqual(queue.pointStates().map((state) => state.status), Array(6).fill('finished'));
    assert.equal(queue.pointStates()[1].runId, 'run-1-1');
    assert.deepEqual(queue.pointStates().map((state) => state.attempts), [1, 1, 1, 1, 1, 1]);
    assert.throws(() => queue.adopt(2, { stop: () => undefined, ended: Promise.resolve({ ok: true }) }), /not running/);
  });

  test('runs a 3x2 grid two at a time, in order; a failed point is retried and the sweep ends done', async () => {
    let failOnce = true;
    const launcher = fakeLauncher((state) => {
      if (state.index === 3 && failOnce) {
        failOnce = false;
        return true;
      }
      return false;
    });
    const changes: string[] = [];
    const queue = new SweepQueue(SweepQueue.queued(grid()), {
      concurrency: 2,
      start: (state) => launcher.start(state),
      onChange: (_, progress) => changes.push(describeProgress(progress)),
    });
    const ended = queue.run();
    while (launcher.live.size > 0) await launcher.finishAll();
    await ended;
    assert.equal(launcher.most, 2, 'never more than the concurrency');
    assert.deepEqual(launcher.started, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(queue.progress(), { done: 5, running: 0, failed: 1, queued: 0, stopped: 0, total: 6 });
    assert.equal(changes.at(-1), '5/6 done, 0 running, 1 failed, 0 queued');

    const retried = queue.retryFailed();
    while (launcher.live.size > 0) await launcher.finishAll();
    await retried;
    assert.deepEqual(launcher.started, [0, 1, 2, 3, 4, 5, 3]);
    assert.deepEqual(queue.progress(), { done: 6, running: 0, failed: 0, queued: 0, stopped: 0, total: 6 });
    const retriedPoint = queue.pointStates()[3];
    assert.equal(retriedPoint.attempts, 2);
    assert.equal(retriedPoint.runId, 'run-3-2', 'the retry\'s run replaces the failed one');
  });

  test('Stop ends the running points and leaves the queued ones stopped; a start that throws is a failed point with its reason', async () => {
    const launcher = fakeLauncher(() => false);
    const queue = new SweepQueue(SweepQueue.queued(grid()), {
      concurrency: 2,
      start: async (state) => {
        if (state.index === 1) throw new Error('interpreter not found');
        return launcher.start(state);
      },
    });
    const ended = queue.run();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(queue.pointStates()[1].status, 'failed');
    assert.equal(queue.problems.get(1), 'interpreter not found');
    assert.equal(launcher.live.size, 2, 'the failed start freed its place for the next point');
    queue.stop();
    await ended;
    const statuses = queue.pointStates().map((state) => state.status);
    assert.deepEqual(statuses, ['stopped', 'failed', 'stopped', 'stopped', 'stopped', 'stopped']);
    assert.equal(launcher.started.length, 2);
  });

  test('a queue made from saved states resumes: finished points are not run again', async () => {
    const launcher = fakeLauncher(() => false);
    const saved = SweepQueue.queued(grid()).map((state): PointState => (state.index < 4 ? { ...state, status: 'finished', attempts: 1, runId: `old-${state.index}` } : state));
    const queue = new SweepQueue(saved, { concurrency: 3, start: (state) => launcher.start(state) });
    const ended = queue.run();
    while (launcher.live.size > 0) await launcher.finishAll();
    await ended;
    assert.deepEqual(launcher.started, [4, 5]);
    assert.equal(queue.progress().done, 6);
  });
});
