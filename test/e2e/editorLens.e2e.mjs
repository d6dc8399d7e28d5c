// The editor's knowledge of a script's runs, end to end, as a person gets there: a git repository with a training
// script (RunLens's dependency-free `runlens` helper, an uncommitted change), runs launched from the editor with
// "Run tracked with arguments…" into a workspace that had no .runlens/ yet, then in the code-server workbench: the
// summary lens, the hover over a logged key, "What changed since best?" in the diff editor, and a diverging run's
// exception in the Problems view at its line. Each figure is checked against the store, read over its MLflow API.
// Screenshots: test-results/editor-lens.png, editor-hover.png, best-run-diff.png, failure-diagnostic.png.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeServerWorkbench, resultsDir, stepTimeout } from './support/codeServerWorkbench.mjs';
import { gitRepository } from './support/gitRepository.mjs';
import { waitUntil, workspaceServer } from './support/workspaceServer.mjs';

/** The script as committed; the working tree then trains longer (an uncommitted change every run captures). */
const committedScript = `"""Fit a line by gradient descent; too high a learning rate diverges."""
import argparse
import random

import runlens as mlflow


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    data = [(x, 3.0 * x + 0.5 + rng.gauss(0, 0.1)) for x in (rng.uniform(-1, 1) for _ in range(200))]
    mlflow.set_experiment("line-fit")
    with mlflow.start_run(run_name=f"lr={args.lr}"):
        mlflow.log_params({"lr": args.lr, "epochs": args.epochs})
        slope, intercept = 0.0, 0.0
        for epoch in range(args.epochs):
            slope -= args.lr * sum(2 * (slope * x + intercept - y) * x for x, y in data) / len(data)
            intercept -= args.lr * sum(2 * (slope * x + intercept - y) for x, y in data) / len(data)
            mse = sum((slope * x + intercept - y) ** 2 for x, y in data) / len(data)
            mlflow.log_metric("mse", mse, step=epoch)
            if mse > 100:
                raise FloatingPointError(f"mse diverged to {mse:.3g} at epoch {epoch}")
        print(f"slope={slope:.3f} intercept={intercept:.3f} mse={mse:.5f}")


if __name__ == "__main__":
    main()
`;
const launchedScript = committedScript.replace('default=20', 'default=30');
/** What the person adds after the runs: what "What changed since best?" then shows. */
const editedScript = launchedScript.replace(
  '    args = parser.parse_args()\n',
  '    parser.add_argument("--momentum", type=float, default=0.9)\n    args = parser.parse_args()\n',
);
const finishedRates = ['0.01', '0.1', '0.5'];
const divergingRate = '1.5';

/**
 * Saves a screenshot of the workbench from `top` to `bottom` (page coordinates), the editor's width (at most
 * `width`) from its left edge: small pictures of what matters, for the README (media/screenshots/ has copies).
 */
async function saveClip(page, name, { top, bottom, width = 960 }) {
  await page.mouse.move(1270, 790); // Nothing hovered by accident.
  const editor = await page.locator('.part.editor').boundingBox();
  const clip = { x: editor.x, y: Math.max(0, top), width: Math.min(editor.width, width), height: bottom - Math.max(0, top) };
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, name), clip });
}

/** The box of the first editor line holding `text`. */
async function lineBox(page, text) {
  return page.locator('.view-lines .view-line').filter({ hasText: text }).first().boundingBox();
}

describe('the editor shows what the runs of a script did, in code-server', () => {
  const workbench = codeServerWorkbench('editor-lens');
  const explainFailure = workbench.explainFailure;
  let page;
  let server;
  let script;

  before(() => {
    // No sticky scroll: the pictures cut the editor at chosen lines.
    workbench.prepare({
      'editor.minimap.enabled': false,
      'editor.stickyScroll.enabled': false,
      'workbench.colorTheme': 'Default Light Modern',
    });
    const workspace = workbench.sandbox.workspace;
    script = path.join(workspace, 'train.py');
    const git = gitRepository(workspace);
    writeFileSync(script, committedScript);
    git('add', 'train.py');
    git('commit', '--quiet', '-m', 'Fit a line');
    writeFileSync(script, launchedScript);
    workbench.installVsix();
  });

  after(() => workbench.close());

  function summaryLens(text) {
    return page.locator('.codelens-decoration a').filter({ hasText: text }).first();
  }

  /**
   * Clicks the lens titled `title` until `shows` is on screen: the lenses are drawn again whenever the store or the
   * file changes, and a click on one being replaced is lost.
   */
  async function clickLens(title, shows) {
    await waitUntil(`"${title}" was clicked`, async () => {
      await page.locator('.codelens-decoration a').filter({ hasText: title }).first().click();
      return shows.waitFor({ timeout: 5_000 }).then(
        () => true,
        () => false,
      );
    });
  }

  /** "Run tracked with arguments…" above the script, with `line` typed into its input box. */
  async function launchWithArguments(line) {
    const input = page.locator('.quick-input-widget input');
    await clickLens('Run tracked with arguments…', input);
    await input.fill(line);
    await input.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  }

  test('runs launched from the editor: the summary lens names their count, the last status and the best run', stepTimeout, async () => {
    await explainFailure('launch', async () => {
      page = await workbench.open();
      await workbench.openFile('train.py');
      // The whole width for the editor: the lenses are long.
      await page.keyboard.press('Control+B');
      await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
      await page.locator('.codelens-decoration a').filter({ hasText: 'Run tracked with arguments…' }).first().waitFor({ timeout: 60_000 });
      // No store yet, so no summary: the lenses are only the launch ones.
      assert.equal(await page.locator('.codelens-decoration a').filter({ hasText: / runs? · / }).count(), 0);

      for (const [index, rate] of finishedRates.entries()) {
        // The summary lens follows the store: each run's end shows in it before the next launch.
        if (index > 0) await summaryLens(new RegExp(`^\\s*${index} runs? · last FINISHED `)).waitFor({ timeout: 30_000 });
        await launchWithArguments(`--lr ${rate}`);
        server ??= await workspaceServer(workbench.sandbox.workspace);
        await waitUntil(`run ${index + 1} (lr=${rate}) finished`, async () => {
          const runs = await server.runsOf('line-fit');
          return runs.length === index + 1 && runs.every((run) => run.info.status === 'FINISHED');
        });
      }
    });

    await explainFailure('summary', async () => {
      const runs = await server.runsOf('line-fit');
      const mse = (run) => run.data.metrics.find((m) => m.key === 'mse').value;
      const best = runs.reduce((a, b) => (mse(b) < mse(a) ? b : a));
      const bestRate = best.data.params.find((p) => p.key === 'lr').value;
      // Every run carries the uncommitted change it ran with.
      for (const run of runs) assert.ok(run.data.tags.some((t) => t.key === 'runlens.git.dirty' && t.value === 'true'), `${run.info.run_name} is not marked dirty`);

      const summary = summaryLens(/^\s*3 runs · last FINISHED /);
      await summary.waitFor({ timeout: 30_000 });
      const text = (await summary.innerText()).trim();
      const shown = /^3 runs · last FINISHED (.+) · best mse ([\d.e-]+) \(lr=([\d.]+)\)$/.exec(text);
      assert.ok(shown, `the summary lens reads "${text}"`);
      assert.equal(shown[3], bestRate, 'the best run is named by the param that sets it apart');
      assert.ok(Math.abs(Number(shown[2]) - mse(best)) <= Math.abs(mse(best)) * 1e-3, `best mse ${shown[2]} is the store's ${mse(best)}`);
      assert.equal(await page.locator('.codelens-decoration a').filter({ hasText: 'What changed since best?' }).count() > 0, true);

      const first = await lineBox(page, 'parser.add_argument("--lr"');
      const last = await lineBox(page, 'for epoch in range');
      await saveClip(page, 'editor-lens.png', { top: first.y, bottom: last.y + last.height, width: 1060 });
    });
  });

  test('hovering a logged key shows its value in each run, the best one starred', stepTimeout, async () => {
    assert.ok(server, 'no runs were launched');
    await explainFailure('hover', async () => {
      const runs = await server.runsOf('line-fit');
      const mse = (run) => run.data.metrics.find((m) => m.key === 'mse').value;
      const best = runs.reduce((a, b) => (mse(b) < mse(a) ? b : a));

      const key = page.locator('.view-lines').getByText('"lr"', { exact: true }).first();
      const box = await key.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const hover = page.locator('.monaco-hover').filter({ hasText: '(param) in the newest 3 of 3 runs of this file' });
      await hover.waitFor({ timeout: 20_000 });
      const rows = await hover.locator('table tbody tr').allInnerTexts();
      assert.equal(rows.length, 3, `one row per run: ${rows.join(' / ')}`);
      const starred = rows.filter((row) => row.includes('★'));
      assert.equal(starred.length, 1, 'exactly one run is starred');
      assert.match(starred[0], new RegExp(`lr=${best.data.params.find((p) => p.key === 'lr').value.replace('.', '\\.')}\\b`), 'the star is on the best run');
      for (const rate of finishedRates) assert.ok(rows.some((row) => row.includes(`lr=${rate}`)), `lr=${rate} has its row`);

      const hoverBox = await hover.boundingBox();
      await saveClip(page, 'editor-hover.png', { top: Math.min(hoverBox.y, box.y) - 60, bottom: Math.max(hoverBox.y + hoverBox.height, box.y + box.height) + 12 });
      await page.keyboard.press('Escape');
      await hover.waitFor({ state: 'hidden', timeout: 10_000 });
    });
  });

  test('"What changed since best?" diffs the best run\'s code (commit plus its captured change) against the file now', stepTimeout, async () => {
    assert.ok(server, 'no runs were launched');
    await explainFailure('diff', async () => {
      const runs = await server.runsOf('line-fit');
      const mse = (run) => run.data.metrics.find((m) => m.key === 'mse').value;
      const best = runs.reduce((a, b) => (mse(b) < mse(a) ? b : a));
      // The person keeps working: a new option, saved (by another tool here; the open editor follows the file).
      writeFileSync(script, editedScript);
      await page.locator('.view-lines').getByText('--momentum').first().waitFor({ timeout: 20_000 });

      const diff = page.locator('.monaco-diff-editor');
      await clickLens('What changed since best?', diff);
      await page.locator('.tab.active').filter({ hasText: `train.py (best run ${best.info.run_name}) ↔ now` }).waitFor({ timeout: 20_000 });
      const original = diff.locator('.editor.original .view-lines');
      const modified = diff.locator('.editor.modified .view-lines');
      await original.getByText('default=30').first().waitFor({ timeout: 20_000 });
      assert.equal(await original.getByText('--momentum').count(), 0, 'the best run had no momentum option');
      await modified.getByText('--momentum').first().waitFor({ timeout: 10_000 });
      assert.ok((await diff.locator('.editor.modified .line-insert').count()) >= 1, 'the new line is marked inserted');
      assert.equal(await diff.locator('.editor.original .line-delete').count(), 0, 'nothing of the best run is gone');

      const inserted = await modified.locator('.view-line').filter({ hasText: '--momentum' }).first().boundingBox();
      const tabs = await page.locator('.part.editor .tabs-container').boundingBox();
      await saveClip(page, 'best-run-diff.png', { top: tabs.y, bottom: inserted.y + 100, width: 1280 });
      await page.keyboard.press('Control+W');
      await diff.waitFor({ state: 'hidden', timeout: 10_000 });
    });
  });

  test('a run that fails puts its exception in the Problems view, at the line that raised it', stepTimeout, async () => {
    assert.ok(server, 'no runs were launched');
    await explainFailure('failure', async () => {
      await launchWithArguments(`--lr ${divergingRate}`);
      await waitUntil('the diverging run failed', async () => (await server.runsOf('line-fit')).some((run) => run.info.status === 'FAILED'));
      const failed = (await server.runsOf('line-fit')).find((run) => run.info.status === 'FAILED');
      assert.equal(failed.info.run_name, `lr=${divergingRate}`);
      const raisingLine = editedScript.split('\n').findIndex((line) => line.includes('raise FloatingPointError')) + 1;

      await page.keyboard.press('Control+Shift+M');
      const marker = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'FloatingPointError: mse diverged' });
      await marker.waitFor({ timeout: 60_000 });
      const text = await marker.innerText();
      assert.match(text, new RegExp(`\\(run lr=${divergingRate.replace('.', '\\.')}\\)`), `the marker names the run: ${text}`);
      assert.match(text, /RunLens/);
      assert.match(text, new RegExp(`\\[Ln ${raisingLine}, Col \\d+\\]`), `the marker is at line ${raisingLine}: ${text}`);
      // As a person goes to it: a click on the problem reveals the line, underlined.
      await marker.click();
      await page.locator('.view-overlays .squiggly-error').first().waitFor({ timeout: 20_000 });

      // From the summary lens above the run to the failing line, and the Problems view down to the problem.
      const run = await lineBox(page, 'with mlflow.start_run');
      const lensTops = await page.locator('.codelens-decoration').evaluateAll((lenses) => lenses.map((lens) => lens.getBoundingClientRect().top));
      const problem = await marker.boundingBox();
      await saveClip(page, 'failure-diagnostic.png', { top: Math.max(...lensTops.filter((top) => top < run.y)), bottom: problem.y + problem.height + 4, width: 1000 });
    });
  });
});
