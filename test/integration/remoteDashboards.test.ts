import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { ArtifactStore } from '../../src/core/store/artifactStore';
import { Database } from '../../src/core/store/database';
import { ModelRegistry } from '../../src/core/store/modelRegistry';
import { TrackingStore } from '../../src/core/store/trackingStore';
import type { DashboardState } from '../../src/protocol/dashboards/state';
import { remoteAddress } from '../../src/protocol/runAddress';
import { startServer, type RunningServer } from '../../src/server/server';
import { CommandId } from '../../src/vscode/contributions';
import type { AnsweredRequest, WebviewHost } from '../../src/vscode/dashboards/webviewHost';
import type { RemoteExperimentNode, RemoteRunNode, RemoteServerNode } from '../../src/vscode/remote/remoteTreeNodes';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import { tracking as folderTracking } from './runsTreeSupport';
import { children, runLensApi, waitFor } from './support';
import { SpanFiles } from '../../src/core/traces/spanFiles';
import { TraceStore } from '../../src/core/traces/traceStore';

// The dashboards on a remote server's runs in the real VS Code: a second tracking server on loopback
// (the server `runlens serve` runs, over its own in-memory database) is added through the command;
// the dashboards open from its nodes in the Runs view, through the same commands as local runs, and
// a compare holds a local and a remote run. Assertions are on the requests the panels' hosts answered.

suite('Dashboards on a remote MLflow server', () => {
  const name = `dash-${Date.now().toString(36)}`;
  const downName = `${name}-down`;
  let api: RunLensApi;
  let db: Database;
  let server: RunningServer;
  let dir: string;
  let remoteRunId: string;
  let remoteExperimentId: string;
  let localRunId: string;
  let downUrl: string;
  const answers = new Map<WebviewHost, AnsweredRequest[]>();
  let listening: vscode.Disposable | undefined;

  async function answer(host: WebviewHost, method: string): Promise<AnsweredRequest> {
    return waitFor(`the panel's ${method} request to be answered`, () => (answers.get(host) ?? []).find((a) => a.method === method), 20_000);
  }

  async function newHost(before: readonly WebviewHost[], kind: DashboardState['kind']): Promise<WebviewHost> {
    return waitFor(`a new ${kind} panel`, () => api.dashboards.hosts.find((h) => !before.includes(h) && h.state.kind === kind), 10_000);
  }

  async function remoteNodes(): Promise<{ experiment: RemoteExperimentNode; run: RemoteRunNode }> {
    const root = await waitFor('the remote root in the Runs view', async () =>
      (await children(api)).find((n): n is RemoteServerNode => n.kind === 'remoteServer' && n.server.name === name),
    );
    const experiment = (await children(api, root)).find((n): n is RemoteExperimentNode => n.kind === 'remoteExperiment' && n.experiment.experimentId === remoteExperimentId);
    assert.ok(experiment, 'the remote experiment is listed');
    const run = (await children(api, experiment)).find((n): n is RemoteRunNode => n.kind === 'remoteRun' && n.run.runId === remoteRunId);
    assert.ok(run, 'the remote run is listed');
    return { experiment, run };
  }

  suiteSetup(async () => {
    api = await runLensApi();
    listening = api.dashboards.onDidAnswer(({ host, ...answered }) => answers.set(host, [...(answers.get(host) ?? []), answered]));

    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-remote-dash-'));
    db = await Database.open();
    const tracking = new TrackingStore(db);
    const token = randomBytes(18).toString('base64url');
    server = await startServer({ store: tracking, registry: new ModelRegistry(db), artifacts: new ArtifactStore(path.join(dir, 'artifacts')), traces: new TraceStore(db, new SpanFiles(path.join(dir, 'traces'))), token, log: () => undefined });
    remoteExperimentId = tracking.createExperiment({ name: 'team-sweep' });
    remoteRunId = tracking.createRun({ experimentId: remoteExperimentId, runName: 'remote-run', startTime: Date.now() - 60_000 }).info.run_id;
    tracking.logBatch(remoteRunId, {
      params: [{ key: 'lr', value: '0.2' }, { key: 'batch', value: '32' }],
      metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: 1 / (step + 2), timestamp: Date.now(), step })),
    });
    tracking.updateRun(remoteRunId, { status: 'FINISHED', endTime: Date.now() });
    await vscode.commands.executeCommand(CommandId.AddRemoteServer, { name, url: server.url, auth: { kind: 'token', token } });

    // The workspace's run, logged as a script logs it to the folder's tracking server.
    const workspace = await folderTracking(api);
    localRunId = await workspace.createRun(await workspace.createExperiment('remote-compare'), { name: 'local-run' });
    await workspace.post('runs/log-batch', {
      run_id: localRunId,
      params: [{ key: 'lr', value: '0.1' }, { key: 'batch', value: '32' }],
      metrics: [0, 1].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step })),
    });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
  });

  suiteTeardown(async () => {
    listening?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, name);
    await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, downName);
    await server.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('remote run and experiment nodes carry the dashboard actions in their menus', async () => {
    const { experiment, run } = await remoteNodes();
    assert.equal(api.runsTree.getTreeItem(run).contextValue, 'remoteRun');
    assert.equal(api.runsTree.getTreeItem(experiment).contextValue, 'remoteExperiment');
    const menus = (vscode.extensions.getExtension('runlens.runlens')?.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } })
      .contributes.menus['view/item/context'];
    const on = (viewItem: string) => menus.filter((m) => m.when?.includes(`viewItem == ${viewItem}`)).map((m) => m.command);
    for (const command of [CommandId.OpenRunDashboard, CommandId.CompareRuns]) assert.ok(on('remoteRun').includes(command), `${command} on a remote run`);
    assert.ok(on('remoteExperiment').includes(CommandId.OpenExperimentDashboard));
  });

  test("Open Run Dashboard on a remote run's node opens its dashboard, answered from the server", async () => {
    const { run } = await remoteNodes();
    const before = api.dashboards.hosts;
    await vscode.commands.executeCommand(CommandId.OpenRunDashboard, run);
    const host = await newHost(before, 'run');
    const address = remoteAddress(server.url, remoteRunId);
    assert.deepEqual(host.state, { kind: 'run', runId: address });
    const got = await answer(host, 'run/get');
    assert.ok(got.ok, got.error);
    await waitFor('the panel title to name the remote run', () => host.panel.title === 'Run: remote-run' || undefined, 10_000);
  });

  test('Open Experiment Dashboard on a remote experiment node opens its runs table', async () => {
    const { experiment } = await remoteNodes();
    const before = api.dashboards.hosts;
    await vscode.commands.executeCommand(CommandId.OpenExperimentDashboard, experiment);
    const host = await newHost(before, 'experiment');
    assert.deepEqual(host.state, { kind: 'experiment', experimentId: remoteAddress(server.url, remoteExperimentId) });
    const table = await answer(host, 'experiment/table');
    assert.ok(table.ok, table.error);
  });

  test('Compare Runs on a selection of a local and a remote run compares them', async () => {
    const { run } = await remoteNodes();
    const before = api.dashboards.hosts;
    // What the Runs view passes for a menu on a multi-selection: the clicked node, then the selection.
    await vscode.commands.executeCommand(CommandId.CompareRuns, run, [localRunId, run]);
    const host = await newHost(before, 'compare');
    assert.deepEqual(host.state, { kind: 'compare', runIds: [localRunId, remoteAddress(server.url, remoteRunId)] });
    const compared = await answer(host, 'compare/get');
    assert.ok(compared.ok, compared.error);
    const series = await answer(host, 'run/metricSeries');
    assert.ok(series.ok, series.error);
  });

  test('an unreachable server answers the panel with the reason, not a blank page', async () => {
    await vscode.commands.executeCommand(CommandId.AddRemoteServer, { name: downName, url: downUrl, auth: { kind: 'none' } });
    const before = api.dashboards.hosts;
    await vscode.commands.executeCommand(CommandId.OpenRunDashboard, remoteAddress(downUrl, 'abc'));
    const host = await newHost(before, 'run');
    const failed = await answer(host, 'run/get');
    assert.equal(failed.ok, false);
    assert.match(failed.error ?? '', new RegExp(`^Remote server ${downName} .*Unreachable: ECONNREFUSED`));
  });
});
