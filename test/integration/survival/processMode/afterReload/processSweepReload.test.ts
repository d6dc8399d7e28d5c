import { assertSweepSurvived } from '../../sweepSurvival';
import { assertGuestOfServerProcess, SuiteTitle } from '../processModeSupport';

// Issue 14: the guest of a RunLens server process takes back, after Developer: Reload Window, the sweep its previous
// extension host ran (the owner hands it to one window only): it follows the point that was running and runs the
// queued ones, each once.

suite(SuiteTitle.sweep, () => {
  test('the reloaded guest window resumes the sweep: the running point is followed, the queued ones run, every point exactly once', async function () {
    this.timeout(180_000);
    await assertGuestOfServerProcess();
    await assertSweepSurvived();
  });
});
