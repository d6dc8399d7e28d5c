import * as vscode from 'vscode';
import { applyInPlace, CodeRestoreError } from '../../capture/codeRestore';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { WorkspaceSessions } from '../workspaceSessions';
import { gitPathSetting } from './launchController';
import { offerSourceCopy, restoreRunWorktree, runCodeSource } from './runCode';

/** Where Open Code of Run puts the worktree; asked when the caller does not say (`none`: only make it). */
export type OpenCodeWhere = 'newWindow' | 'addToWorkspace' | 'none';

const newWindow = 'Open in New Window';
const addToWorkspace = 'Add to Workspace';
const stashAndApply = 'Stash Changes and Apply';
const apply = 'Apply';

/** Open Code of Run and Apply Run's Code to Workspace. */
export function registerRunCodeCommands(sessions: WorkspaceSessions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.OpenRunCode, (target?: unknown, options?: { open?: OpenCodeWhere }) =>
      withErrorMessage("open the run's code", async () => {
        const source = await runCodeSource(sessions, target, "Open the code of which run?");
        if (!source) return undefined;
        const restored = await restoreRunWorktree(source, { gitPath: gitPathSetting() });
        if (!restored) return undefined;
        const where = options?.open ?? (await askWhere(source.run.info.run_name));
        const uri = vscode.Uri.file(restored.root);
        if (where === 'newWindow') await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
        if (where === 'addToWorkspace') {
          const count = vscode.workspace.workspaceFolders?.length ?? 0;
          vscode.workspace.updateWorkspaceFolders(count, 0, { uri, name: `${source.run.info.run_name} (code of run)` });
        }
        return { root: restored.root, folder: restored.folder, created: restored.created };
      }),
    ),
    vscode.commands.registerCommand(CommandId.ApplyRunCode, (target?: unknown, options?: { confirmed?: boolean; stash?: boolean }) =>
      withErrorMessage("apply the run's code to the workspace", async () => {
        if (!vscode.workspace.isTrusted) throw new Error('changing files is unavailable in an untrusted workspace');
        const source = await runCodeSource(sessions, target, "Apply the code of which run to the workspace?");
        if (!source) return undefined;
        const name = source.run.info.run_name;
        if (!options?.confirmed) {
          const choice = await vscode.window.showWarningMessage(
            `Replace the working tree's files with the code of run "${name}"?`,
            {
              modal: true,
              detail: `Every tracked file becomes as at commit ${source.code.commit.slice(0, 12)}${source.code.patchFile ? ", with the run's uncommitted diff" : ''}. Your branch and index stay as they are: the difference shows as uncommitted changes, which you can discard to come back.`,
            },
            apply,
          );
          if (choice !== apply) return undefined;
        }
        const gitOptions = { gitPath: gitPathSetting(), runName: name };
        try {
          return await applyInPlace(source.code, { ...gitOptions, stash: options?.stash });
        } catch (error) {
          if (CodeRestoreError.is(error, 'commitMissing')) return offerSourceCopy(source, error.message);
          if (!CodeRestoreError.is(error, 'dirty') || options?.stash !== undefined) throw error;
          const choice = await vscode.window.showWarningMessage(`RunLens did not apply the code of run "${name}": ${error.message}.`, { modal: true }, stashAndApply);
          if (choice !== stashAndApply) return undefined;
          const result = await applyInPlace(source.code, { ...gitOptions, stash: true });
          void vscode.window.showInformationMessage(`Applied the code of run "${name}"; your changes are in the stash ("${result.stashed}").`);
          return result;
        }
      }),
    ),
  ];
}

async function askWhere(runName: string): Promise<OpenCodeWhere> {
  const choice = await vscode.window.showInformationMessage(`The code of run "${runName}" is restored in a worktree.`, newWindow, addToWorkspace);
  if (choice === newWindow) return 'newWindow';
  if (choice === addToWorkspace) return 'addToWorkspace';
  return 'none';
}
