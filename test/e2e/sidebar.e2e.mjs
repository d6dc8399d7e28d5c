// The Runs view end to end, as a person sees it: the packaged .vsix in code-server, runs logged through the
// workspace's own tracking server (found the way any MLflow process finds it: .runlens/owner.json, once the view has
// opened the store), and the tree in Chromium with runs in every state. A screenshot lands in test-results/sidebar.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeServerWorkbench, containerTitle, resultsDir, stepTimeout } from './support/codeServerWorkbench.mjs';
import { workspaceServer } from './support/workspaceServer.mjs';

/** What the tree shows: an experiment with runs in every state, a sweep with nested trials, and metrics. */
async function seed(api) {
  const { experiment_id } = await api('experiments/create', { name: 'mnist-classifier' });
  const t0 = Date.now() - 3 * 3_600_000;
  const run = async (name, minutesIn, tags = {}) =>
    (
      await api('runs/create', {
        experiment_id,
        run_name: name,
        start_time: t0 + minutesIn * 60_000,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      })
    ).run.info.run_id;
  const metrics = (runId, values) =>
    api('runs/log-batch', {
      run_id: runId,
      // In the order given: the first key is the metric logged first (the experiment's primary metric).
      metrics: Object.entries(values).flatMap(([key, series], index) =>
        series.map((value, step) => ({ key, value, step, timestamp: Date.now() + step * 10 + index })),
      ),
    });
  const finish = (runId, status, minutes) => api('runs/update', { run_id: runId, status, end_time: t0 + minutes * 60_000 });

  const baseline = await run('baseline', 0, { 'mlflow.source.name': 'train.py', 'mlflow.source.git.commit': '3f2c9e1a7b', 'runlens.git.dirty': 'false' });
  await api('runs/log-batch', { run_id: baseline, params: [{ key: 'lr', value: '0.01' }, { key: 'epochs', value: '10' }] });
  await metrics(baseline, { val_loss: [0.92, 0.41, 0.27], accuracy: [0.71, 0.88, 0.93] });
  await finish(baseline, 'FINISHED', 12);

  const diverged = await run('lr-too-high', 20);
  await metrics(diverged, { val_loss: [0.95, 3.1] });
  await finish(diverged, 'FAILED', 22);

  const sweep = await run('lr-sweep', 40);
  for (const [index, lr] of ['0.003', '0.001'].entries()) {
    const trial = await run(`trial-lr-${lr}`, 41 + index, { 'mlflow.parentRunId': sweep });
    await api('runs/log-batch', { run_id: trial, params: [{ key: 'lr', value: lr }] });
    await metrics(trial, { val_loss: [0.8, 0.3 - index * 0.05] });
    await finish(trial, 'FINISHED', 50 + index);
  }
  await finish(sweep, 'FINISHED', 52);

  const stopped = await run('stopped-early', 60);
  await metrics(stopped, { val_loss: [0.9, 0.6] });
  await finish(stopped, 'KILLED', 64);

  const training = await run('resnet-long', 170);
  await metrics(training, { val_loss: [0.88, 0.52, 0.33, 0.24] });
  return { training };
}

describe('the Runs view in code-server, with runs in every state', () => {
  const workbench = codeServerWorkbench('sidebar');
  const explainFailure = workbench.explainFailure;
  let page;

  function row(text) {
    return page.locator('.monaco-list-row').filter({ hasText: text }).first();
  }

  before(() => {
    // The title bar's actions (filter, sort, ...) show without hovering, so the screenshot has them.
    workbench.prepare({ 'workbench.colorTheme': 'Default Dark Modern', 'workbench.view.alwaysShowHeaderActions': true });
    // A workspace that has used RunLens before: RunLens activates with it, and the view opens its store.
    mkdirSync(path.join(workbench.sandbox.workspace, '.runlens'));
    workbench.installVsix();
  });

  after(() => workbench.close());

  test('opening the view opens the store, and runs logged to its server show in the tree, live', stepTimeout, async () => {
    await explainFailure('open', async () => {
      page = await workbench.open();
      const entry = page.locator(`.activitybar [aria-label^="${containerTitle}"]`).first();
      await entry.waitFor({ timeout: 60_000 });
      await entry.click();
      await page.locator('.pane-header').filter({ hasText: 'Runs' }).first().waitFor({ timeout: 30_000 });
    });

    const server = await explainFailure('owner', () => workspaceServer(workbench.sandbox.workspace, 30_000));
    await seed(server.post);

    await explainFailure('tree', async () => {
      // The newest experiment opens by itself; its runs arrive without a refresh.
      await row('mnist-classifier').waitFor({ timeout: 15_000 });
      for (const name of ['resnet-long', 'stopped-early', 'lr-sweep', 'lr-too-high', 'baseline']) {
        await row(name).waitFor({ timeout: 15_000 });
      }
    });
  });

  test('each state has its icon, nested trials sit under the sweep, and a run opens into its sections', stepTimeout, async () => {
    await explainFailure('states', async () => {
      assert.ok(await row('resnet-long').locator('.codicon-loading.codicon-modifier-spin').count(), 'a running run spins');
      assert.ok(await row('lr-too-high').locator('.codicon-error').count(), 'a failed run shows the error icon');
      assert.ok(await row('stopped-early').locator('.codicon-circle-slash').count(), 'a killed run shows its icon');
      assert.ok(await row('baseline').locator('.codicon-pass').count(), 'a finished run shows the pass icon');
      assert.match(await row('baseline').innerText(), /val_loss 0\.27/, 'the primary metric (logged first) is beside the run');
      assert.equal(await page.locator('.monaco-list-row').filter({ hasText: 'trial-lr-' }).count(), 0, 'the trials are nested, not at the top');

      await row('lr-sweep').click();
      await row('trial-lr-0.001').waitFor({ timeout: 10_000 });
      const runLevel = Number(await row('lr-sweep').getAttribute('aria-level'));
      assert.equal(Number(await row('trial-lr-0.001').getAttribute('aria-level')), runLevel + 1, 'a trial is one level under the sweep');

      await row('baseline').click();
      await row('Metrics').waitFor({ timeout: 10_000 });
      await row('Metrics').click();
      await row('accuracy').waitFor({ timeout: 10_000 });
      assert.match(await row('accuracy').innerText(), /0\.93/);

      // Room for the descriptions: a wider sidebar (drag its edge) and the Models pane folded.
      const box = await page.locator('.part.sidebar').boundingBox();
      await page.mouse.move(box.x + box.width + 1, box.y + 300);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width + 160, box.y + 300, { steps: 8 });
      await page.mouse.up();
      await page.locator('.pane-header').filter({ hasText: 'Models' }).first().click();
      await page.locator('.welcome-view-content').filter({ hasText: 'No registered models' }).waitFor({ state: 'hidden' });
      // Nothing hovered or focused in the picture.
      await page.mouse.move(1000, 700);
      mkdirSync(resultsDir, { recursive: true });
      await page.locator('.part.sidebar').screenshot({ path: path.join(resultsDir, 'sidebar.png') });
    });
  });
});
