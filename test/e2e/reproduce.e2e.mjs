// Getting back what ran, end to end: a git repository whose training script reads a data file (named in the
// workspace's runlens.dataPaths) and has an uncommitted change; a run launched with "Run tracked"; then the data
// changes. In the code-server workbench, "Open Code of Run" on the run in the Runs view restores the code it ran
// (its commit plus the captured change) in a git worktree and adds it to the workspace, and the run dashboard's
// Environment tab says the data file changed since the run. Screenshot: test-results/run-environment.png.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeServerWorkbench, containerTitle, resultsDir, stepTimeout } from './support/codeServerWorkbench.mjs';
import { gitRepository } from './support/gitRepository.mjs';
import { waitUntil, workspaceServer } from './support/workspaceServer.mjs';

const committedScript = `"""Fit a line to data/points.csv by gradient descent."""
import csv

import runlens as mlflow

EPOCHS = 20


def main() -> None:
    with open("data/points.csv", newline="") as file:
        data = [(float(row["x"]), float(row["y"])) for row in csv.DictReader(file)]
    with mlflow.start_run(run_name="baseline"):
        mlflow.log_param("epochs", EPOCHS)
        slope, intercept = 0.0, 0.0
        for epoch in range(EPOCHS):
            slope -= 0.3 * sum(2 * (slope * x + intercept - y) * x for x, y in data) / len(data)
            intercept -= 0.3 * sum(2 * (slope * x + intercept - y) for x, y in data) / len(data)
            mse = sum((slope * x + intercept - y) ** 2 for x, y in data) / len(data)
            mlflow.log_metric("mse", mse, step=epoch)


if __name__ == "__main__":
    main()
`;
/** What the run ran: the committed script with an uncommitted change. */
const launchedScript = committedScript.replace('EPOCHS = 20', 'EPOCHS = 40');
const points = ['x,y', ...Array.from({ length: 40 }, (_, i) => `${(i / 20 - 1).toFixed(2)},${(3 * (i / 20 - 1) + 0.5 + ((i * 37) % 11) / 100).toFixed(3)}`)].join('\n') + '\n';

describe('Open Code of Run and the Environment tab, in code-server', () => {
  const workbench = codeServerWorkbench('reproduce');
  const explainFailure = workbench.explainFailure;
  let page;
  let run;
  let git;

  /** Right-click on the run in the Runs view, and `action` in its menu (the tree may be drawn again meanwhile: then again). */
  async function runAction(action) {
    const item = page.locator('.context-view .action-label').filter({ hasText: action });
    await waitUntil(`the run's menu offers ${action}`, async () => {
      await page.locator('.part.sidebar .monaco-list-row').filter({ hasText: 'baseline' }).filter({ hasNotText: 'code of run' }).first().click({ button: 'right' });
      return item.waitFor({ timeout: 5_000 }).then(
        () => true,
        async () => (await page.keyboard.press('Escape'), false),
      );
    });
    // The menu sometimes drops a click that lands as it settles (it stayed open with the item highlighted): a menu
    // still open has run nothing, so choose again until it closes.
    await waitUntil(`the menu ran ${action}`, async () => {
      if (!(await item.isVisible())) return true;
      await item.click({ timeout: 2_000 }).catch(() => undefined);
      return false;
    });
  }

  before(() => {
    workbench.prepare({ 'editor.minimap.enabled': false, 'workbench.colorTheme': 'Default Light Modern' });
    const workspace = workbench.sandbox.workspace;
    git = gitRepository(workspace);
    mkdirSync(path.join(workspace, 'data'));
    mkdirSync(path.join(workspace, '.vscode'));
    writeFileSync(path.join(workspace, 'data', 'points.csv'), points);
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'runlens.dataPaths': ['data/*.csv'] }, null, 2));
    writeFileSync(path.join(workspace, 'train.py'), committedScript);
    git('add', '.');
    git('commit', '--quiet', '-m', 'Fit a line to the points');
    writeFileSync(path.join(workspace, 'train.py'), launchedScript);
    workbench.installVsix();
  });

  after(() => workbench.close());

  test('a run from a dirty tree: Open Code of Run restores what it ran in a worktree added to the workspace', stepTimeout, async () => {
    await explainFailure('launch', async () => {
      page = await workbench.open();
      const file = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'train.py' });
      await file.waitFor({ timeout: 60_000 });
      await file.dblclick();
      await page.locator('.codelens-decoration a').filter({ hasText: /^\s*Run tracked\s*$/ }).first().click({ timeout: 60_000 });
      const server = await workspaceServer(workbench.sandbox.workspace);
      [run] = await waitUntil('the run finished', async () => {
        const runs = await server.runsOf('Default');
        return runs.length === 1 && runs[0].info.status === 'FINISHED' ? runs : undefined;
      });
      assert.ok(run.data.tags.some((t) => t.key === 'runlens.git.dirty' && t.value === 'true'), 'the run is marked as made from a dirty tree');
      // New data arrives after the run.
      appendFileSync(path.join(workbench.sandbox.workspace, 'data', 'points.csv'), '1.05,3.7\n');
    });

    await explainFailure('open-code', async () => {
      await page.locator(`.activitybar [aria-label^="${containerTitle}"]`).first().click();
      await runAction('Open Code of Run');
      const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'The code of run "baseline" is restored in a worktree.' });
      await toast.waitFor({ timeout: 60_000 });
      const worktree = path.join(workbench.sandbox.workspace, '.runlens', 'worktrees', run.info.run_id);
      assert.ok(existsSync(worktree), `${worktree} is missing`);
      assert.equal(readFileSync(path.join(worktree, 'train.py'), 'utf8'), launchedScript, 'the worktree holds the script as it ran, uncommitted change included');
      assert.equal(git('-C', worktree, 'rev-parse', 'HEAD'), git('rev-parse', 'HEAD'), 'at the run’s commit');
      await toast.getByRole('button', { name: 'Add to Workspace' }).click();
      // The window reopens as a workspace of two folders; the Runs view lists both, the worktree by its run's name.
      // The old page's tree may already list the worktree (the extension host sees the folders it asked for before
      // the workbench confirms them), so wait for the reopened page first: else the next step clicks into a page
      // that is navigating away.
      await page.waitForURL(/[?&]workspace=/, { timeout: 90_000 });
      await page.locator('.part.sidebar .monaco-list-row').filter({ hasText: 'baseline (code of run)' }).waitFor({ timeout: 90_000 });
    });
  });

  test("the run dashboard's Environment tab compares the run's environment with this machine's: the data changed", stepTimeout, async () => {
    assert.ok(run, 'no run was launched');
    await explainFailure('environment', async () => {
      // The window reopened on the Runs view; a click on its icon then would close the sidebar.
      const runsView = page.locator('.pane-header').filter({ hasText: 'Runs' }).first();
      if (!(await runsView.isVisible())) await page.locator(`.activitybar [aria-label^="${containerTitle}"]`).first().click();
      await runAction('Open Run Dashboard');
      // The dashboard is a webview: VS Code's frame around the page's own.
      const dashboard = page.frameLocator('iframe.webview.ready').frameLocator('iframe');
      await dashboard.locator('vscode-panel-tab', { hasText: 'Environment' }).click({ timeout: 60_000 });
      const summary = dashboard.locator('[data-name="environment-summary"]');
      await summary.waitFor({ timeout: 60_000 });
      assert.equal(await summary.innerText(), '1 kind(s) of difference.');
      assert.match(await dashboard.locator('[data-name="environment-data"]').innerText(), /data\/points\.csv\s+changed since the run/);
      assert.equal(await dashboard.locator('[data-name="environment-python"]').innerText(), 'The same version, or not recorded.');
      await page.mouse.move(1270, 790);
      mkdirSync(resultsDir, { recursive: true });
      await page.locator('.part.editor').screenshot({ path: path.join(resultsDir, 'run-environment.png') });
    });
  });
});
