import * as vscode from 'vscode';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { WorkspaceSessions } from '../workspaceSessions';
import { storeAccess } from './ownedStore';
import { artifactFile, outputLogArtifact, patchFile } from './runArtifactFiles';
import type { RunSourceDocuments } from './runSourceDocuments';
import { pickRuns, targetRuns } from './runTargets';

/** Opens a stored artifact in an editor that cannot change it by mistake. */
async function openReadOnly(file: string, language: string): Promise<vscode.TextEditor> {
  const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(vscode.Uri.file(file)), language);
  const editor = await vscode.window.showTextDocument(document, { preview: true });
  await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
  return editor;
}

/**
 * The source file as it ran, the captured diff, the output log (what a run leaves to read), and
 * "compare with…", which hands the runs to the compare dashboard.
 */
export function registerRunOpenCommands(sessions: WorkspaceSessions, sources: RunSourceDocuments): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.OpenRunSource, (argument?: unknown) =>
      withErrorMessage('open the source file as it was', async () => {
        const [runId] = (await targetRuns(await storeAccess(sessions.sessionOf(argument)), argument, undefined, { title: 'Open the source of which run?' })) ?? [];
        return runId ? sources.open(runId) : undefined;
      }),
    ),

    vscode.commands.registerCommand(CommandId.OpenRunDiff, (argument?: unknown) =>
      withErrorMessage('open the captured diff', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const [runId] = (await targetRuns(access, argument, undefined, { title: 'Open the captured diff of which run?' })) ?? [];
        if (!runId) return undefined;
        const file = await patchFile(access, await access.call('getRun', { runId }));
        if (!file) throw new Error('the run has no captured diff (runlens/diff.patch): it ran from a clean working tree, or was not launched by RunLens');
        return openReadOnly(file, 'diff');
      }),
    ),

    vscode.commands.registerCommand(CommandId.ShowRunOutput, (argument?: unknown) =>
      withErrorMessage('show the output log', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const [runId] = (await targetRuns(access, argument, undefined, { title: 'Show the output of which run?' })) ?? [];
        if (!runId) return undefined;
        const file = artifactFile(access, await access.call('getRun', { runId }), outputLogArtifact);
        if (!file) throw new Error(`the run has no output log (${outputLogArtifact}): runs launched by RunLens keep one`);
        return openReadOnly(file, 'log');
      }),
    ),

    vscode.commands.registerCommand(CommandId.CompareRunWith, (argument?: unknown, others?: unknown) =>
      withErrorMessage('compare the run', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const [runId] = (await targetRuns(access, argument, undefined, { title: 'Compare which run?' })) ?? [];
        if (!runId) return undefined;
        const withRuns =
          Array.isArray(others) && others.every((id) => typeof id === 'string')
            ? (others as string[])
            : await pickRuns(access, { title: 'Compare with…', canPickMany: true, exclude: [runId] });
        if (!withRuns || withRuns.length === 0) return undefined;
        const runIds = [runId, ...withRuns.filter((id) => id !== runId)];
        await vscode.commands.executeCommand(CommandId.CompareRuns, runIds);
        return runIds;
      }),
    ),
  ];
}
