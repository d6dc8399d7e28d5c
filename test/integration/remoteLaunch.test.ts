import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { captureLaunch } from '../../src/capture/launchCapture';
import { CaptureTag } from '../../src/core/launches/captureTags';
import { LaunchFiles, launchesFolder } from '../../src/core/launches/launchFiles';
import { fileContentJson, type LaunchOperations } from '../../src/core/launches/launchOperations';
import { LaunchArtifact, LaunchTag } from '../../src/core/launches/launchTags';
import { newLaunchId } from '../../src/core/launches/launchToken';
import type { RemoteLaunchRecord } from '../../src/core/launches/remoteLaunchRecord';
import { windowEndedReason } from '../../src/remote/launches/remoteLaunchSettlement';
import { ArtifactStore } from '../../src/core/store/artifactStore';
import { Database } from '../../src/core/store/database';
import { ModelRegistry } from '../../src/core/store/modelRegistry';
import { TrackingStore } from '../../src/core/store/trackingStore';
import { startServer, type RunningServer } from '../../src/server/server';
import { CommandId, SettingKey, SettingSection } from '../../src/vscode/contributions';
import { captureArtifacts } from '../../src/capture/captureArtifacts';
import { launchOperationPrefix } from '../../src/server/routes/guest/guestLaunchRoutes';
import { ownerCall } from '../../src/vscode/ownerOperations';
import type { SendOutcome } from '../../src/vscode/launch/pendingLaunchResults';
import type { RemoteServerNode } from '../../src/vscode/remote/remoteTreeNodes';
import { git, launchAndWait, tagsOf, writeFile } from './launchSupport';
import { tracking } from './runsTreeSupport';
import { children, runLensApi, waitFor, workspaceDir } from './support';
import { SpanFiles } from '../../src/core/traces/spanFiles';
import { TraceStore } from '../../src/core/traces/traceStore';

// A launch configured to log straight to a remote MLflow server: a second tracking server on loopback
// (the same server `runlens serve` runs, over its own in-memory store) is added as a remote, chosen as
// where launches log, and a script is run tracked through the command. The remote then holds the runs
// with the captured code state; the workspace's store holds none of them.

const script = `import runlens as mlflow

mlflow.set_experiment("remote-launch")
with mlflow.start_run():
    mlflow.log_param("lr", "0.1")
    mlflow.log_metric("loss", 0.5)
print("first run done")
with mlflow.start_run(run_name="second"):
    mlflow.log_metric("loss", 0.25)
print("second run done")
`;

suite('Launches that log to a remote server', () => {
  const name = `remote-launch-${Date.now().toString(36)}`;
  let db: Database;
  let store: TrackingStore;
  let server: RunningServer;
  let dir: string;
  let token: string;
  let repo: string;
  let scriptFile: string;

  suiteSetup(async () => {
    await runLensApi();
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-remote-launch-'));
    db = await Database.open();
    store = new TrackingStore(db);
    token = randomBytes(18).toString('base64url');
    server = await startServer({ store, registry: new ModelRegistry(db), artifacts: new ArtifactStore(path.join(dir, 'artifacts')), traces: new TraceStore(db, new SpanFiles(path.join(dir, 'traces'))), token, log: () => undefined });
    repo = path.join(workspaceDir(), 'remote-launch-repo');
    scriptFile = writeFile(path.join(repo, 'train.py'), script);
    writeFile(path.join(repo, 'notes.md'), 'v1\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    writeFile(path.join(repo, 'notes.md'), 'v2, not committed\n');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand(CommandId.ChooseLaunchTarget, 'workspace');
    await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, name);
    await server.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the launch target is chosen by the command and kept in the workspace settings', async () => {
    await vscode.commands.executeCommand(CommandId.AddRemoteServer, { name, url: server.url, auth: { kind: 'token', token } });
    const chosen = await vscode.commands.executeCommand(CommandId.ChooseLaunchTarget, name);
    assert.equal(chosen, name);
    const setting = vscode.workspace.getConfiguration(SettingSection).inspect<string>(SettingKey.LaunchTarget);
    assert.equal(setting?.workspaceValue, name);
    const refused = await vscode.commands.executeCommand(CommandId.ChooseLaunchTarget, `${name}-unknown`);
    assert.equal(refused, undefined, 'a server that was never added is refused');
    assert.equal(vscode.workspace.getConfiguration(SettingSection).get(SettingKey.LaunchTarget), name);
  });

  test('Run tracked logs to the remote: its runs carry the commit, the diff and the output; the workspace gets none', async function () {
    this.timeout(90_000);
    const report = await launchAndWait(CommandId.RunActiveFile, vscode.Uri.file(scriptFile).toString());
    assert.equal(report.ended.status, 'FINISHED');
    const remote = report.ended.remote;
    assert.ok(remote, 'the launch says where its runs went');
    assert.equal(remote.server, name);
    assert.equal(remote.synced, true, remote.failure);
    assert.equal(report.ended.runs.length, 2, 'the pre-made run, resumed, and the second start_run');

    const experiment = store.getExperimentByName('remote-launch');
    assert.ok(experiment, "the run was made in the experiment the script sets");
    const [first, second] = report.ended.runs.map((run) => store.getRun(run.info.run_id));
    assert.equal(first.info.run_id, remote.runId);
    assert.deepEqual(first.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.equal(second.info.run_name, 'second');
    const diff = git(repo, 'diff', '--no-color', 'HEAD');
    for (const run of [first, second]) {
      const tags = tagsOf(run);
      assert.equal(run.info.experiment_id, experiment.experiment_id);
      assert.equal(run.info.status, 'FINISHED');
      assert.equal(tags[CaptureTag.GitCommit], git(repo, 'rev-parse', 'HEAD').trim());
      assert.equal(tags[CaptureTag.GitDirty], 'true');
      assert.equal(tags[CaptureTag.SourceName], 'remote-launch-repo/train.py');
      assert.equal(tags[CaptureTag.LaunchId], report.ended.launchId);
      assert.equal(tags[LaunchTag.ExitCode], '0');
      const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
      const read = async (artifact: string) => {
        const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${artifact}`, { headers: { authorization: `Bearer ${token}` } });
        return response.status === 200 ? response.text() : undefined;
      };
      assert.equal(await read(LaunchArtifact.Diff), diff);
      const output = await read(LaunchArtifact.OutputLog);
      assert.ok(output?.includes('second run done\n'), `output.log: ${output}`);
    }

    // Asked of the folder's tracking server, whichever process serves the workspace store.
    const workspace = await tracking(await runLensApi());
    const { experiments = [] } = await workspace.post<{ experiments?: { experiment_id: string }[] }>('experiments/search', { view_type: 'ALL', max_results: 1000 });
    const local = await workspace.post<{ runs?: unknown[] }>('runs/search', {
      experiment_ids: experiments.map((e) => e.experiment_id),
      filter: `tags.\`runlens.launch.id\` = '${report.ended.launchId}'`,
      run_view_type: 'ALL',
    });
    assert.deepEqual(local.runs ?? [], [], 'nothing of this launch in the workspace store');
  });

  test("the remote server's root in the Runs view shows the launch's run after it ended", async () => {
    const api = await runLensApi();
    const root = await waitFor('the remote root', async () =>
      (await children(api)).find((n): n is RemoteServerNode => n.kind === 'remoteServer' && n.server.name === name),
    );
    const experiment = await waitFor('the launch experiment under the remote', async () =>
      (await children(api, root)).find((n) => n.kind === 'remoteExperiment' && n.experiment.name === 'remote-launch'),
    );
    const runs = await children(api, experiment);
    assert.deepEqual(runs.map((n) => (n.kind === 'remoteRun' ? n.run.status : n.kind)), ['FINISHED', 'FINISHED']);
  });

  test('a launch whose window died is sent by Send Pending Launch Results: not while its server is unlisted, then FAILED with the note and its output', async function () {
    this.timeout(60_000);
    const endpoint = await (await runLensApi()).trackingEndpoint();
    assert.ok(endpoint, 'the folder is served');
    // What a crash leaves, as the server keeping the store sees it: a window's extension host (a process that has
    // exited since) launched a script to the remote server and died with it. The run made on the server is still
    // RUNNING; the launch's record (capture, output log, where it logs) is with the server, through its launch
    // routes as a window records it; the script's process is gone.
    const launch = ownerCall<LaunchOperations>(endpoint, launchOperationPrefix);
    const gone = spawnSync('true').pid;
    const launchId = newLaunchId();
    const run = store.createRun({ experimentId: '0', runName: 'crashed', startTime: Date.now() });
    store.setTag(run.info.run_id, LaunchTag.LaunchId, launchId);
    const capture = await captureLaunch({ launchId, workspaceRoot: repo, cwd: repo, interpreterPath: 'python3', script: scriptFile, args: [], runlensVersion: 'test' });
    const { record, files } = captureArtifacts(capture);
    const remote: RemoteLaunchRecord = {
      server: name,
      url: server.url,
      experimentId: '0',
      runId: run.info.run_id,
      runIds: [run.info.run_id],
      synced: false,
      since: Date.now(),
      scriptPath: scriptFile,
    };
    const kept = { ...files, [LaunchArtifact.OutputLog]: 'epoch 1 done\n' };
    await launch('open', {
      launchId,
      capture: record,
      files: Object.fromEntries(Object.entries(kept).map(([artifactPath, content]) => [artifactPath, fileContentJson(content)])),
      holderPid: gone,
      remote,
    });
    await launch('setPid', { launchId, pid: gone });
    // The window that comes back asks for what its extension host left: the server ends the launch (its script is
    // gone) and names it as one whose end this window sends, with the server's credentials only it has.
    const { remoteEnded } = await launch('takeBack', { holderPid: process.pid });
    assert.ok(remoteEnded.includes(launchId), 'the server ended it, and this window sends it');
    const launchFiles = new LaunchFiles(path.join(workspaceDir(), '.runlens', launchesFolder));

    await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, name);
    const refused = await vscode.commands.executeCommand<SendOutcome>(CommandId.SendPendingLaunchResults);
    assert.deepEqual(refused?.unsent.map((unsent) => unsent.launchId), [launchId]);
    assert.match(refused.unsent[0].reason, /no longer in runlens\.remoteServers/);
    assert.ok(existsSync(launchFiles.path(launchId, LaunchArtifact.OutputLog)), 'the kept files stay');
    assert.equal(store.getRun(run.info.run_id).info.status, 'RUNNING');

    await vscode.commands.executeCommand(CommandId.AddRemoteServer, { name, url: server.url, auth: { kind: 'token', token } });
    const outcome = await vscode.commands.executeCommand<SendOutcome>(CommandId.SendPendingLaunchResults);
    assert.deepEqual(outcome?.sent.map((report) => report.ended.launchId), [launchId]);
    const settled = store.getRun(run.info.run_id);
    assert.equal(settled.info.status, 'FAILED');
    assert.equal(tagsOf(settled)[LaunchTag.Note], windowEndedReason);
    assert.equal(tagsOf(settled)[CaptureTag.GitCommit], git(repo, 'rev-parse', 'HEAD').trim(), 'the capture tags too');
    const root = settled.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${LaunchArtifact.OutputLog}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(await response.text(), 'epoch 1 done\n');
    assert.equal(existsSync(launchFiles.folder(launchId)), false, 'the kept files went once sent');
    const again = await vscode.commands.executeCommand<SendOutcome>(CommandId.SendPendingLaunchResults);
    assert.deepEqual(again?.sent, [], 'sent once');
  });
});
