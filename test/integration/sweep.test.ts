import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { SweepTag } from '../../src/core/sweeps/sweepTags';
import type { ExperimentDashboardState } from '../../src/protocol/dashboards/state';
import type { SweepStarted } from '../../src/vscode/sweeps/sweepController';
import { tagsOf, TrackingReader, writeFile } from './launchSupport';
import { mlflowPost, runLensApi, waitFor, workspaceDir } from './support';

// A sweep as a person runs one: Run Sweep… on a script with a 3x2 grid, two at a time; one point
// fails the first time, Retry Failed runs it again; the runs sit under the sweep's parent run, and
// the experiment dashboard opens on them in parallel coordinates.

const script = `import argparse, os, sys, time
import runlens

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float)
parser.add_argument("--batch", type=int)
args = parser.parse_args()
marker = os.path.join(os.path.dirname(__file__), "failed-once")
if args.lr == 0.01 and args.batch == 32 and not os.path.exists(marker):
    open(marker, "w").close()
    sys.exit("this point fails the first time")
with runlens.start_run():
    runlens.log_param("lr", str(args.lr))
    runlens.log_metric("val_loss", args.lr * args.batch + float(os.environ["OFFSET"]))
    time.sleep(0.5)
`;

/** A point that names no experiment of its own: it goes where the launch sends it. */
const pointScript = `import runlens

with runlens.start_run():
    runlens.log_metric("val_loss", 0.5)
`;

suite('Sweeps', () => {
  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('with launches sent to a remote server, Run Sweep… starts nothing: sweeps run into the workspace only', async function () {
    this.timeout(60_000);
    const api = await runLensApi();
    const file = writeFile(path.join(workspaceDir(), 'sweep', 'remote_sweep.py'), 'print("never run")\n');
    const settings = vscode.workspace.getConfiguration('runlens');
    await settings.update('launchTarget', 'team', vscode.ConfigurationTarget.Workspace);
    try {
      const started = await vscode.commands.executeCommand<SweepStarted | undefined>('runlens.runSweep', vscode.Uri.file(file), { spec: { parameters: { lr: [1, 2] } } });
      assert.equal(started, undefined, 'no sweep started');
      const endpoint = (await api.trackingEndpoint())!;
      const found = (await mlflowPost(endpoint)('runs/search', {
        experiment_ids: ['0'],
        filter: "tags.`mlflow.source.name` LIKE '%remote_sweep.py'",
        max_results: 10,
      })) as { runs?: unknown[] };
      assert.deepEqual(found.runs ?? [], [], 'no parent run, no point launched');
    } finally {
      await settings.update('launchTarget', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('a 3x2 grid runs two at a time under one parent run; a failed point is retried; the dashboard opens on its six runs', async function () {
    this.timeout(240_000);
    const api = await runLensApi();
    const file = writeFile(path.join(workspaceDir(), 'sweep', 'train_sweep.py'), script);
    const spec = { parameters: { lr: [0.1, 0.01, 0.001], batch: [16, 32] }, env: { OFFSET: ['1'] }, concurrency: 2, metric: { name: 'val_loss' } };
    const started = await vscode.commands.executeCommand<SweepStarted | undefined>('runlens.runSweep', vscode.Uri.file(file), { spec });
    assert.ok(started, 'the sweep started');
    assert.equal(started.points, 6);
    let most = 0;
    const counting = setInterval(() => {
      most = Math.max(most, api.sweeps.pointStates(started.sweepId)?.filter((state) => state.status === 'running').length ?? 0);
    }, 20);
    try {
      await api.sweeps.whenIdle(started.sweepId);
    } finally {
      clearInterval(counting);
    }
    const states = api.sweeps.pointStates(started.sweepId) ?? [];
    assert.equal(most, 2, 'two points ran at once, never more');
    assert.deepEqual(states.map((state) => state.status), ['finished', 'finished', 'finished', 'failed', 'finished', 'finished']);
    assert.ok(existsSync(path.join(workspaceDir(), 'sweep', 'failed-once')));

    const reader = await TrackingReader.open();
    const parent = await reader.run(started.parentRunId);
    assert.equal(parent.info.status, 'FAILED', 'a sweep with a failed point ends failed');
    assert.equal(tagsOf(parent)[SweepTag.Progress], '5/6 done, 0 running, 1 failed, 0 queued');

    const before = api.dashboards.hosts;
    await vscode.commands.executeCommand('runlens.retryFailedSweep', started.parentRunId);
    await api.sweeps.whenIdle(started.sweepId);
    const retried = api.sweeps.pointStates(started.sweepId) ?? [];
    assert.deepEqual(retried.map((state) => state.status), Array(6).fill('finished'));
    assert.equal(retried[3].attempts, 2);
    assert.equal((await reader.run(started.parentRunId)).info.status, 'FINISHED');

    for (const state of retried) {
      const run = await reader.run(state.runId!);
      const tags = tagsOf(run);
      assert.equal(tags[SweepTag.ParentRunId], started.parentRunId, 'grouped under the parent run');
      assert.equal(tags[SweepTag.SweepId], started.sweepId);
      assert.deepEqual(JSON.parse(tags['runlens.args']), [...state.point.args]);
      const params = Object.fromEntries((run.data.params ?? []).map((param) => [param.key, param.value]));
      assert.equal(params.batch, state.point.values.batch, 'a varied value the script did not log becomes a param');
      assert.equal(params['env.OFFSET'], '1');
      const lr = Number(state.point.values.lr);
      assert.equal(run.data.metrics?.find((metric) => metric.key === 'val_loss')?.value, lr * Number(state.point.values.batch) + 1, 'the variable reached the script');
    }

    const host = await waitFor(
      'the experiment dashboard on the sweep',
      () => api.dashboards.hosts.find((h) => !before.includes(h) && h.state.kind === 'experiment'),
      30_000,
    );
    const state = host.state as ExperimentDashboardState;
    assert.equal(state.tab, 'parallel');
    assert.deepEqual([...(state.selectedRunIds ?? [])].sort(), retried.map((s) => s.runId!).sort(), 'the six runs of the sweep');
    assert.deepEqual(state.parallel?.keys.map((key) => `${key.kind}:${key.key}`), ['param:lr', 'param:batch', 'metric:val_loss'], 'the varied values (not the variable all points share) against the metric');
    assert.deepEqual(state.parallel?.color, { kind: 'metric', key: 'val_loss' });
  });

  test("a sweep file's experiment holds its parent run and its points' runs alike", async function () {
    this.timeout(120_000);
    const api = await runLensApi();
    const file = writeFile(path.join(workspaceDir(), 'sweep', 'train_sweep_experiment.py'), pointScript);
    const spec = { experiment: 'sweep-experiment', parameters: { lr: [0.1] } };
    const started = await vscode.commands.executeCommand<SweepStarted | undefined>('runlens.runSweep', vscode.Uri.file(file), { spec });
    assert.ok(started, 'the sweep started');
    await api.sweeps.whenIdle(started.sweepId);
    const [point] = api.sweeps.pointStates(started.sweepId) ?? [];
    assert.equal(point?.status, 'finished');
    const reader = await TrackingReader.open();
    const parent = await reader.run(started.parentRunId);
    const run = await reader.run(point.runId!);
    assert.equal(run.info.experiment_id, parent.info.experiment_id, "the point's run is in the parent run's experiment");
    assert.notEqual(parent.info.experiment_id, '0', 'not in Default');
  });
});
