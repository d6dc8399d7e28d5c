import { assertSurvived } from '../survivalSupport';

suite('Developer: Reload Window while a launched script logs', () => {
  test('a launched script survives the reload: the new window takes it over, and its run ends FINISHED with every step and its whole output', async function () {
    this.timeout(180_000);
    await assertSurvived();
  });
});
