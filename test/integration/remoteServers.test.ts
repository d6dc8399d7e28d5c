import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { ArtifactStore } from '../../src/core/store/artifactStore';
import { Database } from '../../src/core/store/database';
import { ModelRegistry } from '../../src/core/store/modelRegistry';
import { TrackingStore } from '../../src/core/store/trackingStore';
import { startServer, type RunningServer } from '../../src/server/server';
import { CommandId } from '../../src/vscode/contributions';
import type { ModelsTreeNode } from '../../src/vscode/models/modelsTreeNodes';
import type { RemoteServerNode } from '../../src/vscode/remote/remoteTreeNodes';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import type { RunsTreeNode } from '../../src/vscode/runs/runsTreeNodes';
import { labelOf } from './runsTreeSupport';
import { children, runLensApi, waitFor } from './support';
import { SpanFiles } from '../../src/core/traces/spanFiles';
import { TraceStore } from '../../src/core/traces/traceStore';

// A second tracking server on loopback (the same server `runlens serve` runs, over its own in-memory
// database) added as a remote through the command, then browsed through the views' providers.

suite('Remote MLflow servers', () => {
  const runCount = 130;
  const name = `team-${Date.now().toString(36)}`;
  const refusedName = `${name}-refused`;
  let api: RunLensApi;
  let db: Database;
  let server: RunningServer;
  let dir: string;
  let token: string;
  let experimentId: string;
  let newestRunId: string;

  suiteSetup(async () => {
    api = await runLensApi();
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-remote-'));
    db = await Database.open();
    const tracking = new TrackingStore(db);
    const registry = new ModelRegistry(db);
    token = randomBytes(18).toString('base64url');
    server = await startServer({ store: tracking, registry, artifacts: new ArtifactStore(path.join(dir, 'artifacts')), traces: new TraceStore(db, new SpanFiles(path.join(dir, 'traces'))), token, log: () => undefined });
    experimentId = tracking.createExperiment({ name: 'shared-sweep' });
    for (let i = 0; i < runCount; i += 1) {
      newestRunId = tracking.createRun({ experimentId, runName: `sweep-${i}`, startTime: 1_700_000_000_000 + i }).info.run_id;
    }
    tracking.logParam(newestRunId, 'lr', '0.01');
    tracking.logMetric(newestRunId, { key: 'loss', value: 0.25, timestamp: 1_700_000_000_500, step: 3 });
    tracking.setTag(newestRunId, 'team', 'vision');
    registry.createRegisteredModel('shared-model');
    registry.createModelVersion({ name: 'shared-model', source: `runs:/${newestRunId}/model`, runId: newestRunId });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, name);
    await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, refusedName);
    await server.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function serverRoot(nodes: readonly (RunsTreeNode | ModelsTreeNode)[], serverName: string): RemoteServerNode | undefined {
    return nodes.find((n): n is RemoteServerNode => n.kind === 'remoteServer' && n.server.name === serverName);
  }

  test('an added server is a root of the Runs view: experiments, a page of runs, Load more…, and run sections', async () => {
    await vscode.commands.executeCommand(CommandId.AddRemoteServer, { name, url: server.url, auth: { kind: 'token', token } });
    const root = await waitFor('the remote root in the Runs view', async () => serverRoot(await children(api), name));
    const rootItem = api.runsTree.getTreeItem(root);
    assert.equal(labelOf(rootItem), name);
    assert.equal(rootItem.description, server.url);

    const experiments = await children(api, root);
    assert.deepEqual(experiments.map((n) => (n.kind === 'remoteExperiment' ? n.experiment.name : n.kind)).sort(), ['Default', 'shared-sweep']);
    const experiment = experiments.find((n) => n.kind === 'remoteExperiment' && n.experiment.experimentId === experimentId);
    assert.ok(experiment);
    assert.equal(api.runsTree.getParent?.(experiment), root);

    const firstPage = await children(api, experiment);
    const more = firstPage.at(-1);
    assert.equal(more?.kind, 'remoteLoadMore');
    const runs = firstPage.filter((n) => n.kind === 'remoteRun');
    assert.equal(runs.length, 100, 'one page of runs');
    assert.equal(labelOf(api.runsTree.getTreeItem(runs[0])), `sweep-${runCount - 1}`, 'newest first');

    const command = api.runsTree.getTreeItem(more).command;
    assert.equal(command?.command, CommandId.LoadMoreRemote);
    const refreshed = new Promise<void>((resolve) => {
      const listener = api.runsTree.onDidChangeTreeData?.((nodes) => {
        if (Array.isArray(nodes) && nodes.includes(experiment)) {
          listener?.dispose();
          resolve();
        }
      });
    });
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    await refreshed;
    const all = await children(api, experiment);
    const ids = new Set(all.filter((n) => n.kind === 'remoteRun').map((n) => n.run.runId));
    assert.equal(ids.size, runCount, 'every run once, none twice');
    assert.ok(!all.some((n) => n.kind === 'remoteLoadMore'), 'no Load more… after the last page');

    const newest = all.find((n) => n.kind === 'remoteRun' && n.run.runId === newestRunId);
    assert.ok(newest);
    assert.match(String(api.runsTree.getTreeItem(newest).description), /^loss 0\.25/);
    const sections = await children(api, newest);
    assert.deepEqual(sections.map((n) => labelOf(api.runsTree.getTreeItem(n))), ['Params', 'Metrics', 'Tags', 'Set by MLflow and RunLens']);
    const params = await children(api, sections[0]);
    assert.deepEqual(params.map((n) => (n.kind === 'remoteField' ? `${n.key}=${n.value}` : n.kind)), ['lr=0.01']);
    const tags = await children(api, sections[2]);
    assert.deepEqual(tags.map((n) => (n.kind === 'remoteField' ? `${n.key}=${n.value}` : n.kind)), ['team=vision']);
  });

  test('the same server is a root of the Models view: registered models, then versions', async () => {
    const root = await waitFor('the remote root in the Models view', async () => serverRoot((await api.modelsTree.getChildren()) ?? [], name));
    const models = (await api.modelsTree.getChildren(root)) ?? [];
    const model = models.find((n) => n.kind === 'remoteModel' && n.model.name === 'shared-model');
    assert.ok(model, 'shared-model is listed');
    const versions = (await api.modelsTree.getChildren(model)) ?? [];
    assert.equal(versions.length, 1);
    assert.ok(versions[0].kind === 'remoteVersion' && versions[0].version.runId === newestRunId);
    assert.equal(labelOf(api.modelsTree.getTreeItem(versions[0])), 'Version 1');
  });

  test('a refused token shows as a message with the reason and a retry, and removing the server drops its roots', async () => {
    await vscode.commands.executeCommand(CommandId.AddRemoteServer, { name: refusedName, url: server.url, auth: { kind: 'token', token: 'wrong' } });
    const root = await waitFor('the refused remote root', async () => serverRoot(await children(api), refusedName));
    const [message, ...rest] = await children(api, root);
    assert.equal(rest.length, 0);
    assert.equal(message.kind, 'remoteMessage');
    const item = api.runsTree.getTreeItem(message);
    assert.match(labelOf(item), /^Error: Unauthorized \(401\)/);
    assert.equal(item.command?.command, CommandId.RefreshRemoteServer);

    assert.equal(await vscode.commands.executeCommand(CommandId.RemoveRemoteServer, refusedName), true);
    await waitFor('the refused root to go', async () => !serverRoot(await children(api), refusedName) || undefined);
    assert.ok(serverRoot(await children(api), name), 'the other server stays');
    const saved = vscode.workspace.getConfiguration('runlens').get<unknown[]>('remoteServers') ?? [];
    assert.ok(!JSON.stringify(saved).includes(token), 'no secret in the settings');
  });
});
