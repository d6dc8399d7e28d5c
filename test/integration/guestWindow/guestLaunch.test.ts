import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { LaunchArtifact, LaunchTag } from '../../../src/core/launches/launchTags';
import { SweepTag } from '../../../src/core/sweeps/sweepTags';
import type { RunLensApi } from '../../../src/vscode/runLensExtension';
import type { RunsTreeNode } from '../../../src/vscode/runs/runsTreeNodes';
import type { SweepStarted } from '../../../src/vscode/sweeps/sweepController';
import { launchAndWait, tagsOf, TrackingReader, writeFile } from '../launchSupport';
import { runLensApi, workspaceDir } from '../support';
import { untilShown, ViewMirror } from '../viewMirror';

// Issue 14: launching from a window whose store another process owns (here `runlens serve`). The window runs the
// script under its supervisor and shows it (terminal, status bar, Stop, the end); the owner keeps the launch's
// record and its runs, which the script logs to with the token the owner handed out. Sweeps the same way.

const trainScript = `import time
import runlens

with runlens.start_run(run_name="guest-run"):
    for step in range(3):
        runlens.log_metric("loss", 1.0 / (step + 1), step=step)
        print(f"guest step {step}", flush=True)
        time.sleep(0.2)
`;

const sweepScript = `import argparse
import runlens

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float)
args = parser.parse_args()
with runlens.start_run():
    runlens.log_metric("val_loss", args.lr * 10)
`;

suite('Launching from a guest window', () => {
  let api: RunLensApi;
  let reader: TrackingReader;
  let runs: ViewMirror<RunsTreeNode>;

  suiteSetup(async () => {
    api = await runLensApi();
    assert.equal(await api.workspaceStore(), undefined, 'another process owns the store: this window does not open it');
    reader = await TrackingReader.open();
    runs = new ViewMirror(api.runsTree, (node) => node.kind === 'experiment');
    await runs.start();
  });

  suiteTeardown(async () => {
    runs?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Run tracked makes a run the owner stores: FINISHED, with its points and output log, shown in the Runs view', async function () {
    this.timeout(120_000);
    const script = writeFile(path.join(workspaceDir(), 'guest_train.py'), trainScript);
    const document = await vscode.workspace.openTextDocument(script);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 20);
    const lens = lenses.find((l) => l.command?.command === 'runlens.runActiveFile');
    assert.ok(lens?.command, 'the Run tracked lens is offered in a guest window');
    const started = Date.now();
    const report = await launchAndWait(lens.command.command, ...(lens.command.arguments ?? []));
    console.log(`guest window: a 3-step script launched and ended in ${Date.now() - started} ms`);

    assert.equal(report.ended.status, 'FINISHED');
    assert.equal(report.ended.runs.length, 1);
    // Read back from the owner over MLflow's REST API, as any client would.
    const run = await reader.run(report.ended.runs[0].info.run_id);
    assert.equal(run.info.run_name, 'guest-run');
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(tagsOf(run)[LaunchTag.ExitCode], '0');
    const history = await reader.history(run.info.run_id, 'loss');
    assert.deepEqual(
      history.map((point) => [point.step, point.value]),
      [
        [0, 1],
        [1, 0.5],
        [2, 1 / 3],
      ],
    );
    const output = await reader.artifact(run, LaunchArtifact.OutputLog);
    assert.match(output ?? '', /guest step 0[\s\S]*guest step 2/, 'the whole output log reached the owner');
    assert.equal(tagsOf(run)[LaunchTag.LaunchId], report.ended.launchId, 'the run is tied to its launch by the owner');
    assert.equal(api.launches.pidOf(report.ended.launchId), undefined, 'the launch is no longer running in the window');
    await untilShown(runs, 'the launched run', (paths) => paths.includes('Default/guest-run'));
  });

  test('a 2-point sweep completes: its records and runs are in the owner store', async function () {
    this.timeout(180_000);
    const script = writeFile(path.join(workspaceDir(), 'guest_sweep.py'), sweepScript);
    const spec = { parameters: { lr: [0.1, 0.2] }, metric: { name: 'val_loss', goal: 'minimize' }, name: 'guest-sweep' };
    const started = await vscode.commands.executeCommand<SweepStarted | undefined>('runlens.runSweep', vscode.Uri.file(script), { spec });
    assert.ok(started, 'the sweep started');
    assert.equal(started.points, 2);
    await api.sweeps.whenIdle(started.sweepId);
    const states = api.sweeps.pointStates(started.sweepId) ?? [];
    assert.deepEqual(
      states.map((state) => state.status),
      ['finished', 'finished'],
    );
    const parent = await reader.run(started.parentRunId);
    assert.equal(parent.info.status, 'FINISHED');
    assert.equal(tagsOf(parent)[SweepTag.Progress], '2/2 done, 0 running, 0 failed, 0 queued');
    for (const state of states) {
      const run = await reader.run(state.runId!);
      assert.equal(run.info.status, 'FINISHED');
      assert.equal(tagsOf(run)[SweepTag.ParentRunId], started.parentRunId, 'grouped under the parent run');
      const params = Object.fromEntries((run.data.params ?? []).map((param) => [param.key, param.value]));
      assert.equal(params.lr, state.point.values.lr, 'the varied value became a param of the run');
      assert.equal(run.data.metrics?.find((metric) => metric.key === 'val_loss')?.value, Number(state.point.values.lr) * 10);
    }
    await untilShown(runs, "the sweep's parent run", (paths) => paths.includes('Default/guest-sweep'));
  });
});
