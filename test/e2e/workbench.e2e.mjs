// End to end, as a person meets RunLens: the packaged .vsix installed into code-server, the workbench in Chromium,
// the RunLens entry in the activity bar, and the Runs view's welcome content. Run by scripts/test.mjs after packaging.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listInstalledExtensions } from '../../scripts/codeServerLaunch.mjs';
import { codeServerWorkbench, containerTitle, manifest, resultsDir, stepTimeout } from './support/codeServerWorkbench.mjs';

const runButtonLabel = 'Run Active Python File Tracked';

describe('the RunLens workbench in code-server, installed from the .vsix', () => {
  const workbench = codeServerWorkbench('workbench');
  const explainFailure = workbench.explainFailure;
  let page;

  before(() => workbench.prepare());

  after(() => workbench.close());

  test('the packaged .vsix installs into code-server', stepTimeout, () => {
    workbench.installVsix();
    assert.ok(
      listInstalledExtensions(workbench.sandbox).includes(`${manifest.publisher}.${manifest.name}@${manifest.version}`),
      'the extension is not listed after installing the .vsix',
    );
  });

  test('the workbench opens with RunLens in the activity bar', stepTimeout, async () => {
    await explainFailure('start', async () => {
      page = await workbench.open();
      await activityBarEntry().waitFor({ timeout: 60_000 });
    });
  });

  test('the RunLens view shows its welcome content and the run button', stepTimeout, async () => {
    assert.ok(page, 'the workbench did not open');
    await explainFailure('welcome', async () => {
      await activityBarEntry().click();
      const welcome = page.locator('.welcome-view-content').filter({ hasText: 'RunLens keeps a record' });
      await welcome.waitFor({ timeout: 30_000 });
      const runButton = welcome.getByRole('button', { name: runButtonLabel });
      await runButton.waitFor({ timeout: 10_000 });
      assert.ok(await runButton.isVisible(), `"${runButtonLabel}" is not visible`);
      assert.match(await welcome.innerText(), /MLflow log here unchanged/);
      // The container holds the Runs and Models views, each under a pane header of its own.
      await page.locator('.sidebar .composite.title').filter({ hasText: containerTitle }).waitFor();
      await page.locator('.sidebar .pane-header').filter({ hasText: 'Runs' }).first().waitFor();

      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'workbench-welcome.png') });
    });
  });

  function activityBarEntry() {
    return page.locator(`.activitybar [aria-label^="${containerTitle}"]`).first();
  }
});
