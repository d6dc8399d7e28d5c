// A sweep end to end, as a person runs one: a git repository with a training script and a sweep file (a 3x2 grid,
// two runs at a time), "Run sweep…" above the script in the code-server workbench, the sweep file picked; then the
// runs grouped under the sweep's parent run in the Runs view with its progress, never more than two running (read
// from the store over its MLflow API), and at the end the experiment dashboard's parallel coordinates, a line per
// run. Screenshots: test-results/sweep-runs-view.png, sweep-parallel-coordinates.png.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeServerWorkbench, containerTitle, resultsDir, stepTimeout } from './support/codeServerWorkbench.mjs';
import { gitRepository } from './support/gitRepository.mjs';
import { waitUntil, workspaceServer } from './support/workspaceServer.mjs';

const script = `"""Fit a line by mini-batch gradient descent."""
import argparse
import random
import time

import runlens as mlflow


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--batch", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(7)
    data = [(x, 3.0 * x + 0.5 + rng.gauss(0, 0.1)) for x in (rng.uniform(-1, 1) for _ in range(200))]
    with mlflow.start_run(run_name=f"lr={args.lr} batch={args.batch}"):
        slope, intercept = 0.0, 0.0
        for epoch in range(8):
            batch = rng.sample(data, args.batch)
            slope -= args.lr * sum(2 * (slope * x + intercept - y) * x for x, y in batch) / len(batch)
            intercept -= args.lr * sum(2 * (slope * x + intercept - y) for x, y in batch) / len(batch)
            mse = sum((slope * x + intercept - y) ** 2 for x, y in data) / len(data)
            mlflow.log_metric("mse", mse, step=epoch)
            time.sleep(0.1)
        print(f"mse={mse:.5f}")


if __name__ == "__main__":
    main()
`;

const sweepFile = `# Every combination of three learning rates and two batch sizes, two runs at a time.
script: train.py
experiment: line-fit
parameters:
  lr: [0.5, 0.1, 0.01]
  batch: [16, 64]
concurrency: 2
metric: { name: mse, goal: minimize }
`;

describe('a sweep run from the editor, in code-server', () => {
  const workbench = codeServerWorkbench('sweep');
  const explainFailure = workbench.explainFailure;
  let page;
  /** The sweep's parent run and its points' runs, as the store has them once it ended. */
  let sweep;

  function row(text) {
    return page.locator('.part.sidebar .monaco-list-row').filter({ hasText: text }).first();
  }

  before(() => {
    workbench.prepare({ 'editor.minimap.enabled': false, 'workbench.colorTheme': 'Default Light Modern' });
    const workspace = workbench.sandbox.workspace;
    const git = gitRepository(workspace);
    writeFileSync(path.join(workspace, 'train.py'), script);
    writeFileSync(path.join(workspace, 'train.sweep.yaml'), sweepFile);
    git('add', '.');
    git('commit', '--quiet', '-m', 'A line and its sweep');
    workbench.installVsix();
  });

  after(() => workbench.close());

  // Six launches, each with its capture (git, pip freeze): minutes on a loaded machine.
  test('Run sweep… on the script with the sweep file: six runs under one parent run, two at a time', { timeout: 360_000 }, async () => {
    await explainFailure('start', async () => {
      page = await workbench.open();
      const file = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'train.py' });
      await file.waitFor({ timeout: 60_000 });
      await file.dblclick();
      const lens = page.locator('.codelens-decoration a').filter({ hasText: 'Run sweep…' }).first();
      await lens.waitFor({ timeout: 60_000 });
      await lens.click();
      const picks = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await picks.filter({ hasText: 'From a sweep file…' }).click({ timeout: 30_000 });
      await picks.filter({ hasText: 'train.sweep.yaml' }).click({ timeout: 30_000 });
      await page.locator('.notifications-toasts').getByText('sweep of train.py started: 6 runs').waitFor({ timeout: 30_000 });
    });

    sweep = await explainFailure('runs', async () => {
      const server = await workspaceServer(workbench.sandbox.workspace);
      // Followed in the store while it runs: never more than two points at once.
      let mostRunning = 0;
      const runs = await waitUntil(
        'the six runs of the sweep finished',
        async () => {
          const all = await server.runsOf('line-fit');
          const points = all.filter((run) => run.data.tags?.some((t) => t.key === 'mlflow.parentRunId'));
          mostRunning = Math.max(mostRunning, points.filter((run) => run.info.status === 'RUNNING').length);
          return points.length === 6 && points.every((run) => run.info.status === 'FINISHED') ? all : undefined;
        },
        300_000,
      );
      assert.ok(mostRunning <= 2, `${mostRunning} points ran at once`);
      const parent = runs.find((run) => !run.data.tags?.some((t) => t.key === 'mlflow.parentRunId'));
      assert.ok(parent, 'the sweep has a parent run');
      const points = runs.filter((run) => run !== parent);
      assert.ok(points.every((run) => run.data.tags.some((t) => t.key === 'mlflow.parentRunId' && t.value === parent.info.run_id)));
      const grid = points.map((run) => run.info.run_name).sort();
      assert.deepEqual(grid, ['lr=0.01 batch=16', 'lr=0.01 batch=64', 'lr=0.1 batch=16', 'lr=0.1 batch=64', 'lr=0.5 batch=16', 'lr=0.5 batch=64']);
      return { parent, points };
    });
  });

  test('when the sweep ends, the experiment dashboard shows its runs in parallel coordinates', stepTimeout, async () => {
    assert.ok(sweep, 'the sweep did not run');
    await explainFailure('parallel', async () => {
      // The dashboard is a webview: VS Code's frame around the page's own.
      const dashboard = page.frameLocator('iframe.webview.ready').frameLocator('iframe');
      const chart = dashboard.locator('[data-name="parallel"]');
      // Counted, not waited visible: a run at the top of every axis is a flat line, which Playwright deems hidden.
      await waitUntil('the chart draws a line per run', async () => (await chart.locator('svg g.mark-line path').count()) === 6, 90_000);
      const text = await chart.innerText();
      const mse = (run) => run.data.metrics.find((m) => m.key === 'mse').value;
      const best = sweep.points.reduce((a, b) => (mse(b) < mse(a) ? b : a));
      assert.ok(text.includes(`Best run (lowest metrics.mse): ${best.info.run_name}`), `the best run is named below the chart: ${text}`);
      await page.mouse.move(1270, 790);
      mkdirSync(resultsDir, { recursive: true });
      await chart.screenshot({ path: path.join(resultsDir, 'sweep-parallel-coordinates.png') });
    });
  });

  // After the dashboard: widening the sidebar resizes the editor, and the chart is drawn again.
  test("the Runs view shows the six runs under the sweep's parent run, with its progress", stepTimeout, async () => {
    assert.ok(sweep, 'the sweep did not run');
    await explainFailure('view', async () => {
      const entry = page.locator(`.activitybar [aria-label^="${containerTitle}"]`).first();
      await entry.click();
      const parentRow = row(sweep.parent.info.run_name);
      await parentRow.waitFor({ timeout: 30_000 });
      await page.locator('.monaco-list-row').filter({ hasText: '6/6 done, 0 running, 0 failed, 0 queued' }).first().waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('.monaco-list-row').filter({ hasText: 'lr=0.5 batch=16' }).count(), 0, 'the points are nested, not at the top');
      await parentRow.click();
      const level = Number(await parentRow.getAttribute('aria-level'));
      for (const point of sweep.points) {
        const pointRow = row(point.info.run_name);
        await pointRow.waitFor({ timeout: 10_000 });
        assert.equal(Number(await pointRow.getAttribute('aria-level')), level + 1, `${point.info.run_name} is one level under the sweep`);
      }
      await page.locator('.pane-header').filter({ hasText: 'Models' }).first().click();
      // Room for the progress beside the sweep's name: a wider sidebar (drag its edge).
      const edge = await page.locator('.part.sidebar').boundingBox();
      await page.mouse.move(edge.x + edge.width + 1, edge.y + 300);
      await page.mouse.down();
      await page.mouse.move(edge.x + edge.width + 330, edge.y + 300, { steps: 8 });
      await page.mouse.up();
      await page.mouse.move(1270, 790);
      const progress = await parentRow.locator('.label-description').innerText();
      assert.match(progress, /^6\/6 done, 0 running, 0 failed, 0 queued · /, `the sweep's row reads "${progress}"`);
      mkdirSync(resultsDir, { recursive: true });
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      const boxes = await Promise.all(sweep.points.map((point) => row(point.info.run_name).boundingBox()));
      const bottom = Math.max(...boxes.map((box) => box.y + box.height));
      await page.screenshot({ path: path.join(resultsDir, 'sweep-runs-view.png'), clip: { ...sidebar, height: bottom + 8 - sidebar.y } });
    });
  });
});
