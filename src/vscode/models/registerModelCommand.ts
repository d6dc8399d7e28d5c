import * as vscode from 'vscode';
import { registryListingLimits } from '../../core/store/registry/registryListing';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { storeAccess } from '../runs/ownedStore';
import { targetRuns } from '../runs/runTargets';
import type { StoreAccess } from '../storeAccess';
import type { WorkspaceSessions } from '../workspaceSessions';

interface NameItem extends vscode.QuickPickItem {
  readonly name: string;
}

/** Asks for a registered model's name, offering the existing ones; a new name can be typed. */
async function pickModelName(access: StoreAccess, suggestion: string): Promise<string | undefined> {
  const existing = (await access.call('registeredModels', { limit: registryListingLimits.models })).map((m) => m.name);
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
      const access = await storeAccess(sessions.sessionOf(argument));
      const [runId] = (await targetRuns(access, argument, undefined, { title: 'Register the model of which run?' })) ?? [];
      if (!runId) return undefined;
      const run = await access.call('getRun', { runId });
      let chosenSource = typeof source === 'string' ? source : undefined;
      let suggestion = run.info.run_name;
      if (chosenSource === undefined) {
        const sources = await access.call('runModelSources', { runId });
        if (sources.length === 0) {
          throw new Error('the run logged no model: log one with an MLflow flavor, e.g. mlflow.sklearn.log_model(model, name="model")');
        }
        const picked =
          sources.length === 1 ? sources[0] : await vscode.window.showQuickPick(sources, { title: 'Register which of the run\u2019s models?' });
        if (!picked) return undefined;
        chosenSource = picked.source;
        suggestion = picked.label;
      }
      const name = typeof modelName === 'string' ? modelName : await pickModelName(access, suggestion);
      if (!name) return undefined;
      const version = await access.call('registerRunModel', { runId, name, source: chosenSource });
      void vscode.window.showInformationMessage(`RunLens: registered ${name} version ${version.version}.`);
      return version;
    }),
  );
}
