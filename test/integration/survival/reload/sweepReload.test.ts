import { assertSweepSurvived } from '../sweepSurvival';

suite('Developer: Reload Window while a sweep runs', () => {
  test('a sweep survives the reload: the new window takes over the running point, runs the queued ones, and every point runs exactly once', async function () {
    this.timeout(180_000);
    await assertSweepSurvived();
  });
});
