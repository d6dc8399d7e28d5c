import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { CaptureTag } from '../../../src/core/launches/captureTags';
import { launchesFolder } from '../../../src/core/launches/launchFiles';
import { LaunchArtifact, LaunchTag } from '../../../src/core/launches/launchTags';
import { ArtifactStore } from '../../../src/core/store/artifactStore';
import { Database } from '../../../src/core/store/database';
import { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { startServer, type RunningServer } from '../../../src/server/server';
import type { Run } from '../../../src/core/entities';
import { OpenArtifactRequest, type HostActionResult } from '../../../src/protocol/dashboards/hostActions';
import type { CompareModel } from '../../../src/protocol/dashboards/compareRequests';
import type { MetricSeriesResult, RunDashboardModel } from '../../../src/protocol/dashboards/runRequests';
import { remoteAddress } from '../../../src/protocol/runAddress';
import { CommandId } from '../../../src/vscode/contributions';
import { git, launchAndWait, tagsOf, writeFile } from '../launchSupport';
import { waitFor, workspaceDir } from '../support';
import { guestWindow, type GuestWindow } from './guestSupport';

// Issue 14: a launch to a remote MLflow server from a window whose store `runlens serve` owns. A second tracking
// server on loopback (the server `runlens serve` runs, over its own in-memory store) plays the remote, as in the
// main window's remote launch suite. The window talks to the remote itself (with the token only it holds) and the
// owner keeps only the launch's record: the remote gets the runs with the capture, the owner's store none. The
// remote run's dashboard and artifacts are read by the window too; the owner answers for the store's runs.

const script = `import runlens as mlflow

mlflow.set_experiment("guest-remote-launch")
with mlflow.start_run():
    mlflow.log_metric("loss", 0.5)
print("guest remote run done")
`;

suite('Launching to a remote server from a guest window, and its dashboard', () => {
  const name = `guest-remote-${Date.now().toString(36)}`;
  let guest: GuestWindow;
  let db: Database;
  let remoteStore: TrackingStore;
  let server: RunningServer;
  let dir: string;
  let token: string;
  let repo: string;
  let scriptFile: string;
  let remoteRunId: string | undefined;

  suiteSetup(async () => {
    guest = await guestWindow();
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-guest-remote-'));
    db = await Database.open();
    remoteStore = new TrackingStore(db);
    token = randomBytes(18).toString('base64url');
    server = await startServer({
      store: remoteStore,
      registry: new ModelRegistry(db),
      artifacts: new ArtifactStore(path.join(dir, 'artifacts')),
      traces: new TraceStore(db, new SpanFiles(path.join(dir, 'traces'))),
      token,
      log: () => undefined,
    });
    repo = path.join(workspaceDir(), 'guest-remote-repo');
    scriptFile = writeFile(path.join(repo, 'train.py'), script);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    await vscode.commands.executeCommand(CommandId.AddRemoteServer, { name, url: server.url, auth: { kind: 'token', token } });
    assert.equal(await vscode.commands.executeCommand(CommandId.ChooseLaunchTarget, name), name);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand(CommandId.ChooseLaunchTarget, 'workspace');
    await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, name);
    await server?.close();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("Run tracked logs to the remote with the capture; the owner's store keeps no run of it and lets go of its files", async function () {
    this.timeout(90_000);
    const started = Date.now();
    const report = await launchAndWait(CommandId.RunActiveFile, vscode.Uri.file(scriptFile).toString());
    console.log(`guest window: a launch to a remote server ran and ended in ${Date.now() - started} ms`);
    assert.equal(report.ended.status, 'FINISHED');
    const remote = report.ended.remote;
    assert.ok(remote, 'the launch says where its runs went');
    assert.equal(remote.server, name);
    assert.equal(remote.synced, true, remote.failure);
    assert.equal(report.ended.runs.length, 1);

    const run = remoteStore.getRun(remote.runId);
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.info.experiment_id, remoteStore.getExperimentByName('guest-remote-launch')?.experiment_id);
    const tags = tagsOf(run);
    assert.equal(tags[CaptureTag.GitCommit], git(repo, 'rev-parse', 'HEAD').trim());
    assert.equal(tags[CaptureTag.LaunchId], report.ended.launchId);
    assert.equal(tags[LaunchTag.ExitCode], '0');
    const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    const log = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${LaunchArtifact.OutputLog}`, { headers: { authorization: `Bearer ${token}` } });
    assert.match(await log.text(), /guest remote run done/, 'the output log reached the remote');

    // The owner, asked as any MLflow client would: none of the launch's runs is in its store.
    const { experiments = [] } = (await guest.post('experiments/search', { max_results: 1000 })) as { experiments?: { experiment_id: string }[] };
    const local = (await guest.post('runs/search', {
      experiment_ids: experiments.map((experiment) => experiment.experiment_id),
      filter: `tags.\`runlens.launch.id\` = '${report.ended.launchId}'`,
    })) as { runs?: unknown[] };
    assert.deepEqual(local.runs ?? [], [], "nothing of this launch in the owner's store");
    // Its end reached the remote: the files the owner kept for a retry are gone.
    await guest.api.launches.whenEnded(report.ended.launchId);
    const files = path.join(workspaceDir(), '.runlens', launchesFolder, report.ended.launchId);
    for (let i = 0; i < 300 && existsSync(files); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(existsSync(files), false, "the launch's files are released once its end reached the remote");
    remoteRunId = remote.runId;
  });

  test("the remote run's dashboard and its output log open in the guest window; a compare with a store run puts both side by side", async function () {
    this.timeout(60_000);
    assert.ok(remoteRunId, 'the launch test ran first');
    const runId = remoteAddress(server.url, remoteRunId);
    await vscode.commands.executeCommand(CommandId.OpenRunDashboard, runId);
    const host = await waitFor('the remote run panel', () => guest.api.dashboards.hosts.find((h) => h.state.kind === 'run' && h.state.runId === runId), 10_000);
    try {
      const model = (await guest.api.dashboards.request(host, { kind: 'request', id: 1, method: 'run/get', params: { runId } })) as RunDashboardModel;
      assert.equal(model.header.runId, runId);
      assert.equal(model.header.status, 'FINISHED');
      assert.equal(model.header.server?.name, name, 'read from the remote, which the owner does not know');
      const result = (await guest.api.dashboards.request(host, OpenArtifactRequest.request(2, { runId, path: LaunchArtifact.OutputLog }))) as HostActionResult;
      assert.equal(result.message, `Opened ${LaunchArtifact.OutputLog}.`);
      const editor = await waitFor('the output log in an editor', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath.endsWith('output.log')), 10_000);
      assert.match(editor.document.getText(), /guest remote run done/, "downloaded from the remote by this window");

      const { experiments = [] } = (await guest.post('experiments/search', { max_results: 1000 })) as { experiments?: { experiment_id: string }[] };
      const { runs = [] } = (await guest.post('runs/search', { experiment_ids: experiments.map((e) => e.experiment_id), max_results: 1 })) as { runs?: Run[] };
      const local = runs[0]?.info.run_id;
      assert.ok(local, 'the owner started with runs in its store');
      // The owner reads the store's run, this window the remote one: the comparison holds both, in the order asked.
      const mixed = { kind: 'request' as const, id: 3, method: 'compare/get', params: { runIds: [local, runId] } };
      const compared = (await guest.api.dashboards.request(host, mixed)) as CompareModel;
      assert.deepEqual(compared.runs.map((run) => run.runId), [local, runId]);
      assert.match(compared.runs[1].experimentName, new RegExp(`\\(${name}\\)$`), "the remote run's experiment, named with its server");
      const charts = { kind: 'request' as const, id: 4, method: 'run/metricSeries', params: { runIds: [local, runId], limit: 5 } };
      const series = (await guest.api.dashboards.request(host, charts)) as MetricSeriesResult;
      assert.ok(series.availableKeys.includes('loss'), 'the remote run logged loss');
      for (const chart of series.charts) assert.deepEqual(chart.series.map((line) => line.runId), [local, runId], chart.key);
    } finally {
      host.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
