import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Run } from '../../../src/core/entities';
import type { ModelVersion } from '../../../src/core/store/registry/registryEntities';
import { EnvironmentDiffRequest, OpenArtifactRequest, type EnvironmentDiffModel, type HostActionResult } from '../../../src/protocol/dashboards/hostActions';
import { CommandId } from '../../../src/vscode/contributions';
import type { ModelsTreeNode } from '../../../src/vscode/models/modelsTreeNodes';
import type { RunLensApi } from '../../../src/vscode/runLensExtension';
import type { TrackingEndpoint } from '../../../src/vscode/trackingSession';
import { waitFor } from '../support';
import { untilShown, ViewMirror } from '../viewMirror';
import { guestWindow } from './guestSupport';

// Issue 14: in a window whose store another process owns (here `runlens serve`), the Models view lists the owner's
// registry and follows it, the model commands write through the owner, and a dashboard's host actions work.

suite('Models and dashboards in a guest window', () => {
  const modelName = 'guest-churn';
  let api: RunLensApi;
  let endpoint: TrackingEndpoint;
  let post: (route: string, body: unknown) => Promise<unknown>;
  /** A GET of the owner's MLflow REST API, as an MLflow client makes it. */
  let mlflowGet: (route: string) => Promise<unknown>;
  let models: ViewMirror<ModelsTreeNode>;
  let run: Run;

  suiteSetup(async () => {
    ({ api, endpoint, post, get: mlflowGet } = await guestWindow());
    const { experiment_id } = (await post('experiments/create', { name: 'guest-models' })) as { experiment_id: string };
    ({ run } = (await post('runs/create', { experiment_id, run_name: 'trained-elsewhere', start_time: Date.now() })) as { run: Run });
    models = new ViewMirror(api.modelsTree, (node) => node.kind === 'model');
    await models.start();
  });

  suiteTeardown(() => models?.dispose());

  test("a model registered through the owner's REST API shows in the Models view, with its version", async () => {
    const runId = run.info.run_id;
    await post('registered-models/create', { name: modelName });
    await post('model-versions/create', { name: modelName, source: `runs:/${runId}/model`, run_id: runId });
    await untilShown(models, 'the registered model and its version', (paths) => paths.includes(`${modelName}/Version 1`));
    assert.ok(!(await models.paths()).some((p) => p.includes('served by another RunLens process')), 'no "served elsewhere" message');
    const [version] = await versionNodes();
    assert.equal(version.version.runId, runId);
    assert.equal(api.modelsTree.getTreeItem(version).contextValue, 'modelVersion.hasRun');
  });

  test("an alias set and a model registered from the window are seen by the owner's REST API, and the view follows", async () => {
    const [first] = await versionNodes();
    await vscode.commands.executeCommand(CommandId.SetModelAlias, first, 'champion');
    const { model_version } = (await mlflowGet(`registered-models/alias?name=${modelName}&alias=champion`)) as { model_version: { version: string } };
    assert.equal(model_version.version, '1');
    await waitFor('the alias in the Models view', async () => (await versionNodes())[0]?.version.aliases.includes('champion') || undefined, 10_000);

    const runId = run.info.run_id;
    const registered = await vscode.commands.executeCommand<ModelVersion>(CommandId.RegisterRunModel, runId, modelName, `runs:/${runId}/model`);
    assert.equal(registered?.version, 2);
    const { model_version: second } = (await mlflowGet(`model-versions/get?name=${modelName}&version=2`)) as { model_version: { run_id: string } };
    assert.equal(second.run_id, runId);
    await untilShown(models, 'the version registered from the window', (paths) => paths.includes(`${modelName}/Version 2`));

    assert.equal(await vscode.commands.executeCommand(CommandId.TransitionModelStage, (await versionNodes())[0], 'Staging', false), 'Staging');
    const { model_version: staged } = (await mlflowGet(`model-versions/get?name=${modelName}&version=2`)) as { model_version: { current_stage: string } };
    assert.equal(staged.current_stage, 'Staging');
  });

  test("a run dashboard in the guest opens the run's artifact in an editor (a host action)", async () => {
    const runId = run.info.run_id;
    const text = 'written through the owner\n';
    const artifactRoot = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    const upload = await fetch(`${endpoint.url}/api/2.0/mlflow-artifacts/artifacts/${artifactRoot}/notes/hello.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${endpoint.token}` },
      body: text,
    });
    assert.equal(upload.status, 200, await upload.text());
    await vscode.commands.executeCommand(CommandId.OpenRunDashboard, runId);
    const host = await waitFor('the run panel', () => api.dashboards.hosts.find((h) => h.state.kind === 'run' && h.state.runId === runId), 10_000);
    try {
      const result = (await api.dashboards.request(host, OpenArtifactRequest.request(1, { runId, path: 'notes/hello.txt' }))) as HostActionResult;
      assert.equal(result.message, 'Opened notes/hello.txt.');
      const editor = await waitFor('the artifact in an editor', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath.endsWith('hello.txt')), 10_000);
      assert.equal(editor.document.getText(), text);
      // The store's own files stay out of reach, as in an owner window.
      await assert.rejects(api.dashboards.request(host, OpenArtifactRequest.request(2, { runId, path: '../../owner.json' })), /'\.\.' segments are not allowed/);
    } finally {
      host.dispose();
    }
  });

  test("the environment diff of a run in the guest reads the run's package list from the owner's store", async function () {
    this.timeout(60_000);
    const tags = [
      { key: 'runlens.python.version', value: '3.0.1' },
      { key: 'runlens.python.path', value: '/nonexistent/bin/python' },
    ];
    const { run: envRun } = (await post('runs/create', { experiment_id: run.info.experiment_id, run_name: 'env-elsewhere', start_time: Date.now(), tags })) as { run: Run };
    const runId = envRun.info.run_id;
    const artifactRoot = envRun.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    const upload = await fetch(`${endpoint.url}/api/2.0/mlflow-artifacts/artifacts/${artifactRoot}/runlens/requirements.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${endpoint.token}` },
      body: 'runlens-guest-only-package==1.0\n',
    });
    assert.equal(upload.status, 200, await upload.text());
    await vscode.commands.executeCommand(CommandId.OpenRunDashboard, runId);
    const host = await waitFor('the run panel', () => api.dashboards.hosts.find((h) => h.state.kind === 'run' && h.state.runId === runId), 10_000);
    try {
      const diff = (await api.dashboards.request(host, EnvironmentDiffRequest.request(1, { runId }))) as EnvironmentDiffModel;
      assert.equal(diff.sameInterpreter, false, 'the run\'s interpreter is not on this machine');
      assert.equal(diff.python?.then, '3.0.1');
      assert.deepEqual(
        diff.packages?.removed.map((change) => change.name),
        ['runlens-guest-only-package'],
        'the package listed in the run\'s runlens/requirements.txt is not installed now',
      );
    } finally {
      host.dispose();
    }
  });

  /** The model's versions as the view lists them, newest first. */
  async function versionNodes(): Promise<Extract<ModelsTreeNode, { kind: 'version' }>[]> {
    const model = ((await api.modelsTree.getChildren()) ?? []).find((node) => node.kind === 'model' && node.model.name === modelName);
    assert.ok(model, `${modelName} in the Models view`);
    return ((await api.modelsTree.getChildren(model)) ?? []).filter((node) => node.kind === 'version');
  }
});
