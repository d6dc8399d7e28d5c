import * as vscode from 'vscode';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import type { Run } from '../../core/entities';
import { ErrorCode, MlflowError } from '../../core/errors';
import type { WorkspaceStore } from '../../core/store/workspaceStore';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { ownedStore } from '../runs/ownedStore';
import { targetRuns } from '../runs/runTargets';
import { inProcessAccess } from '../storeAccess';
import type { WorkspaceSessions } from '../workspaceSessions';
import { filterLiteral } from '../../core/search/filterLiteral';

/** A model a run logged, as the registry takes it for a version's source. */
export interface ModelSource {
  readonly label: string;
  readonly source: string;
  readonly description: string;
}

/**
 * What of a run can be registered: the logged models it produced (MLflow 3, `models:/<model_id>`)
 * and the folders of its artifacts holding an `MLmodel` file (MLflow 2, `runs:/<run>/<path>`).
 */
async function modelSourcesOf(store: WorkspaceStore, run: Run): Promise<ModelSource[]> {
  const runId = run.info.run_id;
  const sources: ModelSource[] = [];
  const logged = store.tracking.searchLoggedModels({
    experimentIds: [run.info.experiment_id],
    filter: `source_run_id = ${filterLiteral(runId)}`,
    maxResults: 100,
  }).models;
  const outputIds = new Set((run.outputs.model_outputs ?? []).map((output) => output.model_id));
  for (const id of outputIds) {
    if (logged.some((model) => model.info.model_id === id)) continue;
    try {
      logged.push(store.tracking.getLoggedModel(id));
    } catch {
      // An output naming a model that is gone: nothing to register.
    }
  }
  for (const model of logged) {
    sources.push({ label: model.info.name, source: `models:/${model.info.model_id}`, description: `logged model ${model.info.model_id}` });
  }
  const root = storeRootOf(run.info.artifact_uri);
  if (root !== undefined) {
    for (const entry of await store.artifacts.list(root)) {
      if (!entry.is_dir) continue;
      const inside = await store.artifacts.list(`${root}/${entry.path}`);
      if (inside.some((file) => !file.is_dir && file.path === 'MLmodel')) {
        sources.push({ label: entry.path, source: `runs:/${runId}/${entry.path}`, description: 'artifact folder with an MLmodel file' });
      }
    }
  }
  return sources;
}

function registeredModelExists(store: WorkspaceStore, name: string): boolean {
  try {
    store.registry.getRegisteredModel(name);
    return true;
  } catch (error) {
    if (MlflowError.is(error, ErrorCode.ResourceDoesNotExist)) return false;
    throw error;
  }
}

interface NameItem extends vscode.QuickPickItem {
  readonly name: string;
}

/** Asks for a registered model's name, offering the existing ones; a new name can be typed. */
async function pickModelName(store: WorkspaceStore, suggestion: string): Promise<string | undefined> {
  const existing = store.registry.searchRegisteredModels({ orderBy: ['name ASC'], maxResults: 1000 }).items.map((m) => m.name);
  const pick = vscode.window.createQuickPick<NameItem>();
  pick.title = 'Register Model: the registered model to add a version to';
  pick.placeholder = 'Pick a registered model or type a new name';
  pick.value = existing.includes(suggestion) ? '' : suggestion;
  const update = () => {
    const typed = pick.value.trim();
    const offered = existing.map((name) => ({ label: name, description: 'existing', name }));
    pick.items = typed && !existing.includes(typed) ? [{ label: typed, description: 'new registered model', name: typed, alwaysShow: true }, ...offered] : offered;
  };
  update();
  return new Promise((resolve) => {
    let chosen: string | undefined;
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => {
      chosen = pick.activeItems[0]?.name;
      if (chosen) pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}

/**
 * Registers a run's logged model as a new version of a registered model (created if it does not
 * exist yet). Takes the run (node or id), and optionally the model name and the source, so that
 * callers can skip the prompts; returns the new version.
 */
export function registerRegisterModelCommand(sessions: WorkspaceSessions): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.RegisterRunModel, (argument?: unknown, modelName?: unknown, source?: unknown) =>
    withErrorMessage('register the model', async () => {
      const store = await ownedStore(sessions.sessionOf(argument));
      const [runId] = (await targetRuns(inProcessAccess(store), argument, undefined, { title: 'Register the model of which run?' })) ?? [];
      if (!runId) return undefined;
      const run = store.tracking.getRun(runId);
      let chosenSource = typeof source === 'string' ? source : undefined;
      let suggestion = run.info.run_name;
      if (chosenSource === undefined) {
        const sources = await modelSourcesOf(store, run);
        if (sources.length === 0) {
          throw new Error('the run logged no model: log one with an MLflow flavor, e.g. mlflow.sklearn.log_model(model, name="model")');
        }
        const picked =
          sources.length === 1 ? sources[0] : await vscode.window.showQuickPick(sources, { title: 'Register which of the run\u2019s models?' });
        if (!picked) return undefined;
        chosenSource = picked.source;
        suggestion = picked.label;
      }
      const name = typeof modelName === 'string' ? modelName : await pickModelName(store, suggestion);
      if (!name) return undefined;
      if (!registeredModelExists(store, name)) store.registry.createRegisteredModel(name);
      const version = store.registry.createModelVersion({ name, source: chosenSource, runId });
      void vscode.window.showInformationMessage(`RunLens: registered ${name} version ${version.version}.`);
      return version;
    }),
  );
}
