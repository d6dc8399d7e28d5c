import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ModelVersion } from '../../src/core/store/registry/registryEntities';
import { CommandId } from '../../src/vscode/contributions';
import type { ModelsTreeNode, ModelVersionNode } from '../../src/vscode/models/modelsTreeNodes';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import { labelOf, resetRunsView, tracking, type Tracking } from './runsTreeSupport';
import { runLensApi, waitFor } from './support';

// The Models view and the registry actions, through the commands, against the store's registry.

suite('Models view', () => {
  let api: RunLensApi;
  let server: Tracking;
  let experimentId: string;
  const modelName = `iris-${Date.now().toString(36)}`;

  async function modelChildren(node?: ModelsTreeNode): Promise<ModelsTreeNode[]> {
    return (await api.modelsTree.getChildren(node)) ?? [];
  }

  async function versionNodes(): Promise<ModelVersionNode[]> {
    const model = (await modelChildren()).find((n) => n.kind === 'model' && n.model.name === modelName);
    assert.ok(model, `${modelName} is in the Models view`);
    return (await modelChildren(model)).filter((n): n is ModelVersionNode => n.kind === 'version');
  }

  /** A model version as the tracking server answers it (the window's own, or the server process it is a guest of). */
  async function servedVersion(version: number): Promise<{ current_stage: string; aliases?: string[] }> {
    return (await server.get<{ model_version: { current_stage: string; aliases?: string[] } }>('model-versions/get', { name: modelName, version: String(version) })).model_version;
  }

  suiteSetup(async () => {
    api = await runLensApi();
    server = await tracking(api);
    experimentId = await server.createExperiment('models');
    await resetRunsView();
  });

  test('a run’s logged model (an MLmodel folder) registers as version 1, then 2, of a new registered model', async () => {
    const runId = await server.createRun(experimentId, { name: 'trained' });
    await server.upload(runId, experimentId, 'model/MLmodel', 'flavors:\n  python_function: {}\n');
    await server.upload(runId, experimentId, 'model/model.pkl', 'weights');
    await server.upload(runId, experimentId, 'plots/loss.png', 'not a model');

    const first = await vscode.commands.executeCommand<ModelVersion>(CommandId.RegisterRunModel, runId, modelName);
    assert.ok(first);
    assert.equal(first.version, 1);
    assert.equal(first.source, `runs:/${runId}/model`);
    assert.equal(first.runId, runId);
    const second = await vscode.commands.executeCommand<ModelVersion>(CommandId.RegisterRunModel, runId, modelName);
    assert.equal(second?.version, 2);

    const versions = await versionNodes();
    assert.deepEqual(
      versions.map((v) => labelOf(api.modelsTree.getTreeItem(v))),
      ['Version 2', 'Version 1'],
    );
    assert.equal(api.modelsTree.getTreeItem(versions[0]).contextValue, 'modelVersion.hasRun');
  });

  test('an MLflow 3 logged model of the run registers through models:/<model_id>', async () => {
    const runId = await server.createRun(experimentId, { name: 'mlflow3' });
    const { model } = await server.post<{ model: { info: { model_id: string } } }>('logged-models', {
      experiment_id: experimentId,
      name: 'classifier',
      source_run_id: runId,
    });
    const version = await vscode.commands.executeCommand<ModelVersion>(CommandId.RegisterRunModel, runId, `${modelName}-v3`);
    assert.equal(version?.source, `models:/${model.info.model_id}`);
    assert.equal(version?.modelId, model.info.model_id);
  });

  test('a run without a logged model is refused with the reason', async () => {
    const runId = await server.createRun(experimentId, { name: 'no-model' });
    assert.equal(await vscode.commands.executeCommand(CommandId.RegisterRunModel, runId, modelName), undefined);
    const found = await server.get<{ model_versions?: unknown[] }>('model-versions/search', { filter: `run_id = '${runId}'` });
    assert.equal(found.model_versions?.length ?? 0, 0);
  });

  test('set and remove an alias, copy the models:/ URI, transition the stage', async () => {
    let [latest] = await versionNodes();
    await vscode.commands.executeCommand(CommandId.SetModelAlias, latest, 'champion');
    const byAlias = await server.get<{ model_version: { version: string } }>('registered-models/alias', { name: modelName, alias: 'champion' });
    assert.equal(Number(byAlias.model_version.version), latest.version.version);

    // The view redraws after the write.
    latest = await waitFor('the alias in the Models view', async () => {
      const [node] = await versionNodes();
      return node.version.aliases.includes('champion') ? node : undefined;
    });
    const item = api.modelsTree.getTreeItem(latest);
    assert.match(String(item.description), /@champion/);
    assert.equal(item.contextValue, 'modelVersion.hasRun.hasAlias');

    await vscode.commands.executeCommand(CommandId.CopyModelUri, latest);
    assert.equal(await vscode.env.clipboard.readText(), `models:/${modelName}@champion`);

    assert.equal(await vscode.commands.executeCommand(CommandId.TransitionModelStage, latest, 'production', false), 'Production');
    assert.equal((await servedVersion(latest.version.version)).current_stage, 'Production');
    const older = (await versionNodes())[1];
    await vscode.commands.executeCommand(CommandId.TransitionModelStage, older, 'Production', true);
    assert.equal((await servedVersion(latest.version.version)).current_stage, 'Archived');

    await vscode.commands.executeCommand(CommandId.RemoveModelAlias, latest, 'champion');
    assert.deepEqual((await servedVersion(latest.version.version)).aliases ?? [], []);
    await vscode.commands.executeCommand(CommandId.CopyModelUri, { name: modelName, version: 1 });
    assert.equal(await vscode.env.clipboard.readText(), `models:/${modelName}/1`);
  });

  test('open the source run reveals it in the Runs view', async () => {
    const [version] = await versionNodes();
    assert.equal(await vscode.commands.executeCommand(CommandId.OpenModelVersionRun, version), version.version.runId);
    const node = (await api.runsTree.getChildren())?.find((n) => n.kind === 'experiment' && n.experimentId === experimentId);
    assert.ok(node, 'the run’s experiment is in the Runs view');
  });
});
