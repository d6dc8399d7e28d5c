import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { CaptureTag } from '../../../src/core/launches/captureTags';
import { LaunchArtifact, LaunchTag } from '../../../src/core/launches/launchTags';
import { median } from '../../../src/core/traces/functionLocator';
import { CommandId } from '../../../src/vscode/contributions';
import type { LaunchReport } from '../../../src/vscode/launch/runningLaunch';
import { formatLatency } from '../../../src/vscode/traces/traceFormat';
import type { TrackingEndpoint } from '../../../src/vscode/trackingSession';
import { git, launchAndWait, tagsOf, TrackingReader, writeFile } from '../launchSupport';
import { waitFor, workspaceDir } from '../support';
import { recordedSpans, recordedTraceWrites, TraceReplay } from '../tracesSupport';
import { guestWindow, type GuestWindow } from './guestSupport';

// Issue 14: the run actions that needed the store open in this window, from a window whose store another process
// owns (here `runlens serve`): Run Again and Reproduce read the run through the owner and launch as Run tracked
// does (the owner keeps the new run); the trace latency lens reads through the owner; MLflow's printed links to the
// owner's server open dashboards here.

const echoScript = 'import sys\nprint("args", sys.argv[1:])\n';

suite('Run actions from a guest window', () => {
  let guest: GuestWindow;
  let reader: TrackingReader;

  suiteSetup(async () => {
    guest = await guestWindow();
    reader = await TrackingReader.open();
  });

  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  /** Follows a launch a command started, as Run Again and Reproduce return it. */
  async function ended(started: { launchId: string } | undefined, what: string): Promise<LaunchReport> {
    assert.ok(started?.launchId, `${what} started a launch`);
    const report = await guest.api.launches.whenEnded(started.launchId);
    assert.ok(report, 'the launch is known to the API');
    assert.equal(report.ended.status, 'FINISHED');
    assert.equal(report.ended.runs.length, 1);
    return report;
  }

  test('Run Again makes a new run at the owner with the same script and arguments', async function () {
    this.timeout(120_000);
    const script = writeFile(path.join(workspaceDir(), 'guest-rerun', 'echo_args.py'), echoScript);
    const first = await launchAndWait('runlens.runActiveFileWithArguments', vscode.Uri.file(script).toString(), '--lr 0.5');
    const firstRunId = first.ended.runs[0].info.run_id;

    const started = await vscode.commands.executeCommand<{ launchId: string; differences: string[] } | undefined>(CommandId.RerunRun, firstRunId);
    assert.deepEqual(started?.differences, [], 'the same code: nothing to warn about');
    const report = await ended(started, 'Run Again');
    // Read back from the owner over MLflow's REST API.
    const [original, again] = await Promise.all([reader.run(firstRunId), reader.run(report.ended.runs[0].info.run_id)]);
    assert.notEqual(again.info.run_id, original.info.run_id, 'a new run');
    assert.equal(again.info.status, 'FINISHED');
    for (const tag of [CaptureTag.SourceName, CaptureTag.Args, CaptureTag.Cwd, CaptureTag.PythonPath]) {
      assert.equal(tagsOf(again)[tag], tagsOf(original)[tag], `the same ${tag}`);
    }
    assert.deepEqual(JSON.parse(tagsOf(again)[CaptureTag.Args]), ['--lr', '0.5']);
    assert.equal(tagsOf(again)[LaunchTag.LaunchId], started?.launchId, 'the owner tied the run to the new launch');
    assert.equal(await reader.artifact(again, LaunchArtifact.OutputLog), "args ['--lr', '0.5']\n");
  });

  test('Reproduce restores the run in its worktree and makes a run tagged runlens.reproduces; Clean Up removes the worktree', async function () {
    this.timeout(150_000);
    const repo = path.join(workspaceDir(), 'guest-reproduce');
    const script = writeFile(path.join(repo, 'train.py'), 'import sys\nfrom config import lr\nprint("lr", lr, sys.argv[1:])\n');
    writeFile(path.join(repo, 'config.py'), 'lr = 0.1\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    // The run ran from a dirty tree; the code moves on after it.
    writeFile(path.join(repo, 'config.py'), 'lr = 0.01\n');
    const first = await launchAndWait('runlens.runActiveFileWithArguments', vscode.Uri.file(script).toString(), '--epochs 2');
    const runId = first.ended.runs[0].info.run_id;
    writeFile(path.join(repo, 'config.py'), 'lr = 9\n');

    const started = await vscode.commands.executeCommand<{ launchId: string; worktree: string } | undefined>(CommandId.ReproduceRun, runId, { confirmed: true });
    const report = await ended(started, 'Reproduce');
    const worktree = path.join(workspaceDir(), '.runlens', 'worktrees', runId);
    assert.equal(started?.worktree, worktree, 'the worktree is named after the run');
    assert.ok(existsSync(path.join(worktree, 'train.py')), "the run's code is in its worktree");
    const [original, reproduction] = await Promise.all([reader.run(runId), reader.run(report.ended.runs[0].info.run_id)]);
    const tags = tagsOf(reproduction);
    assert.equal(tags[CaptureTag.Reproduces], runId);
    assert.equal(tags[CaptureTag.Args], tagsOf(original)[CaptureTag.Args]);
    assert.equal(tags[CaptureTag.GitCommit], tagsOf(original)[CaptureTag.GitCommit], 'the same commit');
    const output = "lr 0.01 ['--epochs', '2']\n";
    assert.equal(await reader.artifact(reproduction, LaunchArtifact.OutputLog), output, 'the code that ran, not the code now');

    const cleaned = await vscode.commands.executeCommand<{ removed: string[] } | undefined>(CommandId.CleanUpRunWorktrees, { runIds: [runId], confirmed: true });
    assert.deepEqual(cleaned?.removed, [runId]);
    assert.equal(existsSync(worktree), false, 'the worktree is gone');
  });

  test("the latency lens shows each traced function's median over its latest spans, read through the owner", async function () {
    this.timeout(60_000);
    // The real MLflow client's trace writes, replayed to the owner's server.
    await new TraceReplay(guest.endpoint).send(recordedTraceWrites);
    const lines = ['import mlflow', ''];
    const functions = ['leaf', 'middle', 'outer'];
    for (const name of functions) lines.push('@mlflow.trace', `def ${name}(x):`, '    return x', '');
    const file = writeFile(path.join(workspaceDir(), 'guest-traces', 'traced.py'), lines.join('\n'));
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await waitFor(
      'latency lenses on the traced functions',
      async () => {
        const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 50)) ?? [];
        const latency = all.filter((lens) => lens.command?.title.includes('p50'));
        return latency.length >= functions.length ? latency : undefined;
      },
      20_000,
    );
    for (const name of functions) {
      const line = lines.indexOf(`def ${name}(x):`);
      const lens = lenses.find((l) => l.range.start.line === line);
      assert.ok(lens, `a lens on def ${name}`);
      const durations = recordedSpans()
        .filter((span) => span.functionName === name)
        .map((span) => span.durationMs);
      assert.match(lens.command!.title, new RegExp(`p50 ${formatLatency(median(durations)!)} over its last ${durations.length} call${durations.length === 1 ? '' : 's'}$`), name);
      assert.deepEqual(lens.command!.arguments, [`span.name = '${name}'`]);
    }
  });

  test("a link MLflow's client prints naming the owner's server opens the run dashboard here", async () => {
    const endpoint: TrackingEndpoint = guest.endpoint;
    const { experiments } = (await guest.post('experiments/search', { max_results: 10 })) as { experiments: { experiment_id: string; name: string }[] };
    const experimentId = experiments.find((experiment) => experiment.name === 'served-elsewhere')?.experiment_id;
    assert.ok(experimentId);
    const { runs } = (await guest.post('runs/search', { experiment_ids: [experimentId], max_results: 1 })) as { runs: { info: { run_id: string } }[] };
    const runId = runs[0].info.run_id;
    const terminal = vscode.window.terminals[0] ?? vscode.window.createTerminal('links');
    const line = `🏃 View run at: ${endpoint.url}/#/experiments/${experimentId}/runs/${runId}`;
    const links = (await guest.api.terminalLinks.provideTerminalLinks({ line, terminal }, new vscode.CancellationTokenSource().token)) ?? [];
    assert.equal(links.length, 1, "the owner's server is the one this window's runs go to");
    const before = guest.api.dashboards.hosts.length;
    await guest.api.terminalLinks.handleTerminalLink(links[0]);
    const host = await waitFor('the run dashboard', () => guest.api.dashboards.hosts.slice(before).find((h) => h.state.kind === 'run'), 10_000);
    assert.deepEqual(host.state, { kind: 'run', runId });
  });
});
