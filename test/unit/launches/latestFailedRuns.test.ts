import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { latestFailedRuns } from '../../../src/core/launches/latestFailedRuns';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';

const launchId = 'a'.repeat(32);

describe('the latest failed run of each file', () => {
  test('a file counts when its latest ended top-level run FAILED and RunLens launched it', async (t) => {
    const db = await Database.open();
    t.after(() => db.close());
    const tracking = new TrackingStore(db);
    let clock = 1_000;
    const run = (source: string | undefined, status: 'FINISHED' | 'FAILED' | 'RUNNING', options: { launched?: boolean; parent?: string } = {}) => {
      const tags = [
        ...(source === undefined ? [] : [{ key: 'mlflow.source.name', value: source }]),
        ...(options.parent === undefined ? [] : [{ key: 'mlflow.parentRunId', value: options.parent }]),
      ];
      const created = tracking.createRun({ startTime: (clock += 1000), tags, ...(options.launched === false ? {} : { launchId }) });
      if (status !== 'RUNNING') tracking.updateRun(created.info.run_id, { status, endTime: clock + 500 });
      return created.info.run_id;
    };
    // Failed, then fixed: nothing to show.
    run('fixed.py', 'FAILED');
    run('fixed.py', 'FINISHED');
    // Succeeded, then failed; its nested run (newer) is not the one named.
    run('broken.py', 'FINISHED');
    const broken = run('broken.py', 'FAILED');
    run('broken.py', 'FAILED', { parent: broken });
    // A failure whose next run is still going: the failure stands until that run ends.
    const pending = run('pending.py', 'FAILED');
    run('pending.py', 'RUNNING');
    // A failure logged by a script RunLens did not launch (no output log), and a run naming no file.
    run('foreign.py', 'FAILED', { launched: false });
    run(undefined, 'FAILED');
    // A deleted failure does not count; the run before it does.
    run('deleted.py', 'FINISHED');
    tracking.deleteRun(run('deleted.py', 'FAILED'));

    assert.deepEqual(latestFailedRuns(db), [
      { runId: broken, sourceName: 'broken.py' },
      { runId: pending, sourceName: 'pending.py' },
    ]);
  });
});
