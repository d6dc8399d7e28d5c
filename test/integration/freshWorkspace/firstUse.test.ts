import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/vscode/contributions';
import type { ModelsTreeNode } from '../../../src/vscode/models/modelsTreeNodes';
import type { RunLensApi } from '../../../src/vscode/runLensExtension';
import type { RunsTreeNode } from '../../../src/vscode/runs/runsTreeNodes';
import { launchAndWait } from '../launchSupport';
import { runLensApi, waitFor, workspaceDir } from '../support';
import { untilShown, ViewMirror } from '../viewMirror';

// A person's first use, in a window opened on a folder with no `.runlens/` (scripts/codeServerIntegration.mjs
// makes it empty): the views are read while there is no store, and must follow it from the moment it appears,
// with no Refresh. Then the store is deleted and made again, and made by `runlens serve` from dist/.
// The tests build on one another, in order, as the person's session does.


suite('First use: the views follow the store from the moment it appears', () => {
  let api: RunLensApi;
  let folder: string;
  let runs: ViewMirror<RunsTreeNode>;
  let models: ViewMirror<ModelsTreeNode>;
  let firstRunId: string;

  /** Runs the example as its lens does; its run's id and name. */
  async function launchExample(): Promise<{ id: string; name: string }> {
    const report = await launchAndWait(CommandId.RunActiveFile, vscode.Uri.file(path.join(folder, 'train_runlens.py')).toString());
    assert.equal(report.ended.status, 'FINISHED');
    assert.equal(report.ended.runs.length, 1);
    return { id: report.ended.runs[0].info.run_id, name: report.ended.runs[0].info.run_name };
  }

  /** Waits until the mirrored view shows what `expected` accepts; on timeout, says what it shows. */
  suiteSetup(async () => {
    folder = workspaceDir();
    assert.equal(existsSync(path.join(folder, '.runlens')), false, 'the window opens on a folder with no store');
    api = await runLensApi();
    const extension = vscode.extensions.getExtension('runlens.runlens');
    assert.ok(extension);
    copyFileSync(path.join(extension.extensionPath, 'examples', 'train_runlens.py'), path.join(folder, 'train_runlens.py'));
    runs = new ViewMirror(api.runsTree, (node) => node.kind === 'experiment');
    models = new ViewMirror(api.modelsTree, (node) => node.kind === 'model');
    // The views show before anything is logged, as they do when the person opens the RunLens sidebar.
    await runs.start();
    await models.start();
    assert.deepEqual(await runs.paths(), []);
    assert.deepEqual(await models.paths(), []);
    assert.equal(existsSync(path.join(folder, '.runlens')), false, 'reading the views makes no store');
  });

  suiteTeardown(() => {
    runs?.dispose();
    models?.dispose();
  });

  test('the first tracked run of the dependency-free example shows in the Runs view, with no refresh', async function () {
    this.timeout(90_000);
    const run = await launchExample();
    firstRunId = run.id;
    await untilShown(runs, 'the run in the Runs view', (paths) => paths.includes(`line-fit/${run.name}`));
  });

  test('the first registered model shows in the Models view, with no refresh', async () => {
    // The example logs its model and registers it (runlens.log_model, registered_model_name): the
    // registry's first model arrives over the tracking server while the view showed "no store yet".
    assert.ok(firstRunId, 'the first run was launched');
    await untilShown(models, 'the model in the Models view', (paths) => paths.includes('line-fit/Version 1'));
  });

  test('a store deleted empties both views, and the next run makes a store they follow again', async function () {
    this.timeout(90_000);
    // As a person would, and again while a launch's supervisor still writes its last lines in it.
    rmSync(path.join(folder, '.runlens'), { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    await untilShown(runs, 'the Runs view emptied', (paths) => paths.length === 0);
    await untilShown(models, 'the Models view emptied', (paths) => paths.length === 0);

    const run = await launchExample();
    assert.notEqual(run.id, firstRunId);
    // The new store holds this one run: the view shows it alone under its experiment.
    await untilShown(runs, "the new store's run in the Runs view", (paths) => paths.filter((p) => p.startsWith('line-fit/')).join() === `line-fit/${run.name}`);
  });

  test('a store made by `runlens serve` shows its runs live through serve (a guest window), and once serve stops, still', async function () {
    this.timeout(90_000);
    // As a person would, and again while a launch's supervisor still writes its last lines in it.
    rmSync(path.join(folder, '.runlens'), { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    await untilShown(runs, 'the Runs view emptied', (paths) => paths.length === 0);

    const extension = vscode.extensions.getExtension('runlens.runlens');
    assert.ok(extension);
    const serve = await startServe(path.join(extension.extensionPath, 'dist', 'cli.js'), folder);
    try {
      // A script logs through serve, as any MLflow client would.
      const call = async <T>(route: string, body: unknown): Promise<T> => {
        const response = await fetch(`${serve.url}/api/2.0/mlflow/${route}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 200, await response.clone().text());
        return (await response.json()) as T;
      };
      const { experiment_id } = await call<{ experiment_id: string }>('experiments/create', { name: 'served' });
      const { run } = await call<{ run: { info: { run_id: string } } }>('runs/create', { experiment_id, run_name: 'logged-through-serve', start_time: Date.now() });
      await untilShown(runs, 'the Runs view showing, through serve, what it logged', (paths) => paths.includes('served/logged-through-serve'));
      // The Models view reads serve's registry too.
      await call('registered-models/create', { name: 'served-model' });
      await call('model-versions/create', { name: 'served-model', source: `runs:/${run.info.run_id}/model`, run_id: run.info.run_id });
      await untilShown(models, 'the Models view showing, through serve, the registered model', (paths) => paths.includes('served-model/Version 1'));
    } finally {
      await serve.stop();
    }
    await untilShown(runs, 'the Runs view showing what serve logged', (paths) => paths.includes('served/logged-through-serve'));
  });
});

interface Serve {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
}

/** `runlens serve --dir <folder>` from the built CLI, with the extension host's Node; resolves once it prints its address. */
async function startServe(cli: string, folder: string): Promise<Serve> {
  const child = spawn(process.execPath, [cli, 'serve', '--dir', folder, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', RUNLENS_TOKEN: '' },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await waitFor(
    'runlens serve to print its address',
    () => {
      if (child.exitCode !== null) throw new Error(`runlens serve exited: ${output}`);
      const url = /MLFLOW_TRACKING_URI=(\S+)/.exec(output)?.[1];
      const token = /MLFLOW_TRACKING_TOKEN=(\S+)/.exec(output)?.[1];
      return url && token ? { url, token } : undefined;
    },
    30_000,
  );
  return {
    child,
    ...address,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
