import { assertSurvived } from '../../survivalSupport';
import { assertGuestOfServerProcess, assertShownLive, crashSurvivorName } from '../processModeSupport';

// Issue 14: the guest window of a RunLens server process after its extension host was killed with SIGKILL while a
// launched script logged (no deactivate ran): the window, opened again, takes the launch back.

suite('Process mode: the extension host killed with SIGKILL while a launched script logs', () => {
  test('the window opened again takes the launch back: live in the Runs view, then FINISHED with every step and its whole output', async function () {
    this.timeout(180_000);
    await assertGuestOfServerProcess();
    await assertSurvived(crashSurvivorName, (launchId) => assertShownLive(crashSurvivorName, launchId));
  });
});
