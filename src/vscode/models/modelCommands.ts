import * as vscode from 'vscode';
import { allStages, activeStages } from '../../core/store/registry/stages';
import type { ModelVersion } from '../../core/store/registry/registryEntities';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { storeAccess } from '../runs/ownedStore';
import type { WorkspaceSessions } from '../workspaceSessions';
import type { ModelVersionNode } from './modelsTreeNodes';

/** Reveals a run in the Runs view (the Runs view's job; the Models view only asks). */
export type RevealRun = (runId: string) => Promise<void>;

/** A version from a tree node or from `{ name, version }`, as tests and other commands pass it. */
function versionArgument(argument: unknown): { name: string; version: number } {
  if (typeof argument === 'object' && argument !== null) {
    const node = argument as Partial<ModelVersionNode> & { name?: unknown; version?: unknown };
    if (node.kind === 'version' && node.version) return { name: node.version.name, version: node.version.version };
    if (typeof node.name === 'string' && (typeof node.version === 'number' || typeof node.version === 'string')) {
      return { name: node.name, version: Number(node.version) };
    }
  }
  throw new Error('run this from a model version in the Models view');
}

/** `models:/name@alias` for an alias, else `models:/name/version`: what `mlflow.pyfunc.load_model` takes. */
function modelUri(version: Pick<ModelVersion, 'name' | 'version'>, alias?: string): string {
  return alias ? `models:/${version.name}@${alias}` : `models:/${version.name}/${version.version}`;
}

/** The Models view's version actions: aliases, stage, the source run, and the model URI. */
export function registerModelCommands(sessions: WorkspaceSessions, revealRun: RevealRun): vscode.Disposable[] {
  const versionOf = async (argument: unknown) => {
    const { name, version } = versionArgument(argument);
    const access = await storeAccess(sessions.sessionOf(argument));
    return { access, version: await access.call('getModelVersion', { name, version }) };
  };
  return [
    vscode.commands.registerCommand(CommandId.SetModelAlias, (argument?: unknown, alias?: unknown) =>
      withErrorMessage('set the alias', async () => {
        const { access, version } = await versionOf(argument);
        const chosen =
          typeof alias === 'string'
            ? alias
            : await vscode.window.showInputBox({
                title: `Set an alias on ${version.name} version ${version.version}`,
                placeHolder: 'e.g. champion',
                prompt: 'Scripts load the version as models:/name@alias; an alias on another version moves here.',
                validateInput: (value) => (/^\s*$/.test(value) ? 'An alias needs a name.' : undefined),
              });
        if (!chosen?.trim()) return undefined;
        await access.call('setModelAlias', { name: version.name, alias: chosen.trim(), version: version.version });
        return chosen.trim();
      }),
    ),

    vscode.commands.registerCommand(CommandId.RemoveModelAlias, (argument?: unknown, alias?: unknown) =>
      withErrorMessage('remove the alias', async () => {
        const { access, version } = await versionOf(argument);
        if (version.aliases.length === 0) throw new Error(`${version.name} version ${version.version} has no alias`);
        const chosen =
          typeof alias === 'string'
            ? alias
            : version.aliases.length === 1
              ? version.aliases[0]
              : await vscode.window.showQuickPick([...version.aliases], { title: 'Remove which alias?' });
        if (!chosen) return undefined;
        await access.call('deleteModelAlias', { name: version.name, alias: chosen });
        return chosen;
      }),
    ),

    vscode.commands.registerCommand(CommandId.TransitionModelStage, (argument?: unknown, stage?: unknown, archiveExisting?: unknown) =>
      withErrorMessage('transition the stage', async () => {
        const { access, version } = await versionOf(argument);
        const target =
          typeof stage === 'string'
            ? stage
            : (
                await vscode.window.showQuickPick(
                  allStages.map((s) => ({ label: s, description: s === version.currentStage ? 'current' : undefined })),
                  { title: `Move ${version.name} version ${version.version} to which stage?` },
                )
              )?.label;
        if (!target) return undefined;
        let archive = typeof archiveExisting === 'boolean' ? archiveExisting : false;
        if (typeof archiveExisting !== 'boolean' && activeStages.some((s) => s.toLowerCase() === target.toLowerCase())) {
          const answer = await vscode.window.showQuickPick(['Keep them', 'Archive them'], {
            title: `Other versions of ${version.name} in ${target}: archive them?`,
          });
          if (!answer) return undefined;
          archive = answer === 'Archive them';
        }
        return (await access.call('transitionModelStage', { name: version.name, version: version.version, stage: target, archiveExisting: archive })).currentStage;
      }),
    ),

    vscode.commands.registerCommand(CommandId.OpenModelVersionRun, (argument?: unknown) =>
      withErrorMessage('open the source run', async () => {
        const { version } = await versionOf(argument);
        if (!version.runId) throw new Error(`${version.name} version ${version.version} was not registered from a run`);
        await revealRun(version.runId);
        return version.runId;
      }),
    ),

    vscode.commands.registerCommand(CommandId.CopyModelUri, (argument?: unknown, alias?: unknown) =>
      withErrorMessage('copy the model URI', async () => {
        const { version } = await versionOf(argument);
        const chosen =
          typeof alias === 'string'
            ? alias
            : version.aliases.length <= 1
              ? version.aliases[0]
              : await vscode.window.showQuickPick([...version.aliases], { title: 'Copy the URI of which alias?' });
        if (version.aliases.length > 1 && chosen === undefined) return undefined;
        const uri = modelUri(version, chosen);
        await vscode.env.clipboard.writeText(uri);
        vscode.window.setStatusBarMessage(`RunLens: copied ${uri}`, 3000);
        return uri;
      }),
    ),
  ];
}
