import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/vscode/contributions';
import type { WebviewHost } from '../../../src/vscode/dashboards/webviewHost';
import type { RunLensApi } from '../../../src/vscode/runLensExtension';
import type { ExperimentNode, RunsTreeNode } from '../../../src/vscode/runs/runsTreeNodes';
import { mlflowPost, runLensApi, waitFor } from '../support';

// Dashboards in a multi-root workspace: each folder's store numbers its experiments alike, so a panel
// must read the store of the folder it was opened on (a tree node's, a terminal link's server's), and
// a run's panel the store that holds the run.

interface Seeded {
  readonly experimentId: string;
  readonly experimentName: string;
  readonly runId: string;
  readonly runName: string;
  readonly url: string;
}

/** An experiment with one run, made through the folder's own tracking server as an MLflow client would. */
async function seed(api: RunLensApi, folder: vscode.WorkspaceFolder): Promise<Seeded> {
  const endpoint = await api.trackingEndpoint(folder.uri);
  assert.ok(endpoint, `this window serves ${folder.name}'s store`);
  const post = mlflowPost(endpoint);
  const experimentName = `${folder.name}-dashboards`;
  const runName = `${folder.name}-dashboard-run`;
  const { experiment_id: experimentId } = (await post('experiments/create', { name: experimentName })) as { experiment_id: string };
  const { run } = (await post('runs/create', { experiment_id: experimentId, run_name: runName, start_time: Date.now() })) as { run: { info: { run_id: string } } };
  return { experimentId, experimentName, runId: run.info.run_id, runName, url: endpoint.url };
}

suite('Multi-root workspace: dashboards read the folder they were opened on', () => {
  let api: RunLensApi;
  let alpha: Seeded;
  let beta: Seeded;
  let betaFolder: vscode.WorkspaceFolder;

  async function newPanel(open: () => unknown, title: string): Promise<WebviewHost> {
    const before = api.dashboards.hosts;
    await open();
    const host = await waitFor('a new panel', () => api.dashboards.hosts.find((h) => !before.includes(h)), 20_000);
    // The page names its tab after what it loaded from the host: the name says which store answered.
    await waitFor(`the panel titled ${title}`, () => (host.panel.title === title ? true : undefined), 20_000);
    return host;
  }

  suiteSetup(async () => {
    api = await runLensApi();
    const [alphaFolder, second] = vscode.workspace.workspaceFolders ?? [];
    betaFolder = second;
    alpha = await seed(api, alphaFolder);
    beta = await seed(api, betaFolder);
    // Both stores made the same experiments in the same order: the ids alone cannot tell them apart.
    assert.equal(alpha.experimentId, beta.experimentId);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("the experiment dashboard opened on the second folder's experiment node shows that folder's experiment", async function () {
    this.timeout(60_000);
    const node = await waitFor(
      "beta's experiment in the Runs view",
      async () => {
        const roots = (await api.runsTree.getChildren()) ?? [];
        const betaRoot = roots.find((n) => n.kind === 'folder' && n.folderUri === betaFolder.uri.toString());
        const experiments: RunsTreeNode[] = (betaRoot && (await api.runsTree.getChildren(betaRoot))) || [];
        return experiments.find((n): n is ExperimentNode => n.kind === 'experiment' && n.name === beta.experimentName);
      },
      20_000,
    );
    const host = await newPanel(() => vscode.commands.executeCommand(CommandId.OpenExperimentDashboard, node), `Experiment: ${beta.experimentName}`);
    assert.deepEqual(host.state, { kind: 'experiment', experimentId: beta.experimentId, folder: betaFolder.uri.toString() });
  });

  test("the run dashboard of the second folder's run, opened by its id alone, finds the run in that folder's store", async function () {
    this.timeout(60_000);
    const host = await newPanel(() => vscode.commands.executeCommand(CommandId.OpenRunDashboard, beta.runId), `Run: ${beta.runName}`);
    assert.deepEqual(host.state, { kind: 'run', runId: beta.runId });
    await newPanel(() => vscode.commands.executeCommand(CommandId.OpenRunDashboard, alpha.runId), `Run: ${alpha.runName}`);
  });

  test("a terminal link naming the second folder's server opens that folder's experiment", async function () {
    this.timeout(60_000);
    // Two open panels of one experiment would have their tabs told apart by its id: start from none.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const terminal = vscode.window.terminals[0] ?? vscode.window.createTerminal('links');
    const line = `🧪 View experiment at: ${beta.url}/#/experiments/${beta.experimentId}`;
    const links = (await api.terminalLinks.provideTerminalLinks({ line, terminal }, new vscode.CancellationTokenSource().token)) ?? [];
    assert.equal(links.length, 1, "only beta's server matches the link's port");
    await newPanel(() => api.terminalLinks.handleTerminalLink(links[0]), `Experiment: ${beta.experimentName}`);
  });
});
