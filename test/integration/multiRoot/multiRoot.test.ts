import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/vscode/contributions';
import type { ModelsTreeNode } from '../../../src/vscode/models/modelsTreeNodes';
import type { RunLensApi } from '../../../src/vscode/runLensExtension';
import type { ExperimentNode, RunNode, RunsTreeNode } from '../../../src/vscode/runs/runsTreeNodes';
import { launchAndWait, writeFile } from '../launchSupport';
import { mlflowGet, mlflowPost, runLensApi } from '../support';
import { untilShown, ViewMirror } from '../viewMirror';

// A multi-root workspace: each folder keeps its own `.runlens/` store with its own tracking server, and is a root
// of the Runs and Models views; a script's runs go to the store of the folder that holds it; folders added or
// removed while the window is open are followed.


function script(experiment: string, runName: string): string {
  return `import runlens

runlens.set_experiment("${experiment}")
with runlens.start_run(run_name="${runName}"):
    runlens.log_param("folder", "${experiment}")
`;
}

suite('Multi-root workspace: a store, a server and a tree root per folder', () => {
  let api: RunLensApi;
  let alpha: vscode.WorkspaceFolder;
  let beta: vscode.WorkspaceFolder;
  let runs: ViewMirror<RunsTreeNode>;
  let models: ViewMirror<ModelsTreeNode>;

  async function launch(folder: vscode.WorkspaceFolder, experiment: string, runName: string): Promise<string> {
    const file = writeFile(path.join(folder.uri.fsPath, 'train.py'), script(experiment, runName));
    const report = await launchAndWait(CommandId.RunActiveFile, vscode.Uri.file(file).toString());
    assert.equal(report.ended.status, 'FINISHED');
    assert.equal(report.ended.runs.length, 1);
    return report.ended.runs[0].info.run_id;
  }

  suiteSetup(async () => {
    api = await runLensApi();
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(
      folders.map((f) => f.name),
      ['alpha', 'beta'],
    );
    [alpha, beta] = folders;
    for (const folder of folders) assert.equal(existsSync(path.join(folder.uri.fsPath, '.runlens')), false, `${folder.name} starts with no store`);
    runs = new ViewMirror(api.runsTree, (node) => node.kind === 'folder' || node.kind === 'experiment');
    models = new ViewMirror(api.modelsTree, (node) => node.kind === 'folder' || node.kind === 'model');
    await runs.start();
    await models.start();
  });

  suiteTeardown(() => {
    runs?.dispose();
    models?.dispose();
  });

  test('each folder is a root of the Runs and Models views, and nothing is stored before it is used', async () => {
    assert.deepEqual(await runs.paths(), [
      'alpha',
      'alpha/No runs yet: Run tracked on a script of this folder',
      'beta',
      'beta/No runs yet: Run tracked on a script of this folder',
    ]);
    assert.deepEqual(await models.paths(), ['alpha', 'alpha/No registered models yet', 'beta', 'beta/No registered models yet']);
    for (const folder of [alpha, beta]) assert.equal(existsSync(path.join(folder.uri.fsPath, '.runlens')), false);
  });

  test("a script's runs go to the store of its folder, and show under that folder's root", async function () {
    this.timeout(120_000);
    const betaRun = await launch(beta, 'beta-experiment', 'beta-run');
    assert.equal(existsSync(path.join(beta.uri.fsPath, '.runlens')), true, "beta's store was made");
    assert.equal(existsSync(path.join(alpha.uri.fsPath, '.runlens')), false, "alpha's store was not");
    await untilShown(runs, 'the run under beta', (paths) => paths.includes('beta/beta-experiment/beta-run') && paths.includes('alpha/No runs yet: Run tracked on a script of this folder'));

    const alphaRun = await launch(alpha, 'alpha-experiment', 'alpha-run');
    await untilShown(runs, 'the run under alpha', (paths) => paths.includes('alpha/alpha-experiment/alpha-run') && paths.includes('beta/beta-experiment/beta-run'));

    // Two stores, two servers (the window's own or the folders' server processes): each holds its own run only.
    const endpoints = [(await api.trackingEndpoint(alpha.uri))?.url, (await api.trackingEndpoint(beta.uri))?.url];
    assert.notEqual(endpoints[0], endpoints[1], 'each folder has its own tracking server');
    assert.deepEqual(await runIdsServedFor(alpha), [alphaRun]);
    assert.deepEqual(await runIdsServedFor(beta), [betaRun]);
  });

  test('the experiments of both stores are distinct elements, and a command on a node acts on its own folder', async () => {
    const roots = await api.runsTree.getChildren();
    const experiments = (await Promise.all((roots ?? []).map(async (root) => (await api.runsTree.getChildren(root)) ?? [])))
      .flat()
      .filter((n): n is ExperimentNode => n.kind === 'experiment');
    assert.equal(experiments.length, 2);
    // Both stores number their first experiment alike; the view's element ids must still differ.
    assert.equal(experiments[0].experimentId, experiments[1].experimentId);
    assert.notEqual(experiments[0].id, experiments[1].id);

    const alphaExperiment = experiments.find((n) => n.name === 'alpha-experiment');
    assert.ok(alphaExperiment);
    const [run] = (await api.runsTree.getChildren(alphaExperiment))?.filter((n): n is RunNode => n.kind === 'run') ?? [];
    assert.ok(run);
    assert.equal(api.runsTree.getParent(alphaExperiment)?.kind, 'folder');
    await vscode.commands.executeCommand(CommandId.RenameRun, run, 'alpha-renamed');
    const alphaEndpoint = await api.trackingEndpoint(alpha.uri);
    assert.ok(alphaEndpoint);
    const { run: renamed } = (await mlflowGet(alphaEndpoint)(`runs/get?run_id=${run.runId}`)) as { run: { info: { run_name: string } } };
    assert.equal(renamed.info.run_name, 'alpha-renamed');
    await untilShown(runs, 'the renamed run', (paths) => paths.includes('alpha/alpha-experiment/alpha-renamed'));
  });

  test('a folder added while the window is open becomes a root; removed, it goes', async () => {
    const gamma = path.join(path.dirname(beta.uri.fsPath), 'gamma');
    mkdirSync(gamma, { recursive: true });
    try {
      const count = vscode.workspace.workspaceFolders?.length ?? 0;
      assert.ok(vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.file(gamma) }));
      await untilShown(runs, 'gamma as a root', (paths) => paths.includes('gamma/No runs yet: Run tracked on a script of this folder'));
      await untilShown(models, 'gamma in the Models view', (paths) => paths.includes('gamma'));

      assert.ok(vscode.workspace.updateWorkspaceFolders(count, 1));
      await untilShown(runs, 'gamma gone', (paths) => !paths.some((p) => p.startsWith('gamma')) && paths.includes('alpha/alpha-experiment/alpha-renamed'));
      await untilShown(models, 'gamma gone from the Models view', (paths) => !paths.includes('gamma'));
    } finally {
      rmSync(gamma, { recursive: true, force: true });
    }
  });
});

/** The ids of the runs that the folder's tracking server holds, in every experiment. */
async function runIdsServedFor(folder: vscode.WorkspaceFolder): Promise<string[]> {
  const endpoint = await (await runLensApi()).trackingEndpoint(folder.uri);
  assert.ok(endpoint, `${folder.name} has a tracking server`);
  const post = mlflowPost(endpoint);
  const { experiments } = (await post('experiments/search', { max_results: 100 })) as { experiments: { experiment_id: string }[] };
  const { runs = [] } = (await post('runs/search', { experiment_ids: experiments.map((e) => e.experiment_id) })) as { runs?: { info: { run_id: string } }[] };
  return runs.map((r) => r.info.run_id);
}
