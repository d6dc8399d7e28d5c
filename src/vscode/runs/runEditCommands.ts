import * as vscode from 'vscode';
import { byKey, runTags } from '../../core/runs/runTagValues';
import { runNameTag } from '../../core/store/tracking/runs';
import { validateTag } from '../../core/validation';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { WorkspaceSessions } from '../workspaceSessions';
import { storeAccess } from './ownedStore';
import { noteUri } from './runNoteFileSystem';
import { targetRuns } from './runTargets';

/** Why a tag cannot be set, in MLflow's words; undefined when it can. */
function tagProblem(key: string, value: string): string | undefined {
  try {
    validateTag(key, value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Copy the id, rename, edit the note, add and remove tags. Each takes the run (a tree node or an
 * id) and, optionally, the value, so that tests and other commands can skip the input box.
 */
export function registerRunEditCommands(sessions: WorkspaceSessions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.CopyRunId, (argument?: unknown, selection?: unknown) =>
      withErrorMessage('copy the run id', async () => {
        const ids = await targetRuns(await storeAccess(sessions.sessionOf(argument)), argument, selection, { title: 'Copy the ID of which runs?', canPickMany: true });
        if (!ids) return undefined;
        await vscode.env.clipboard.writeText(ids.join('\n'));
        vscode.window.setStatusBarMessage(`RunLens: copied ${ids.length === 1 ? 'the run id' : `${ids.length} run ids`}`, 3000);
        return ids;
      }),
    ),

    vscode.commands.registerCommand(CommandId.RenameRun, (argument?: unknown, name?: unknown) =>
      withErrorMessage('rename the run', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const [runId] = (await targetRuns(access, argument, undefined, { title: 'Rename which run?' })) ?? [];
        if (!runId) return undefined;
        const current = (await access.call('getRun', { runId })).info.run_name;
        const newName =
          typeof name === 'string'
            ? name
            : await vscode.window.showInputBox({
                title: 'Rename Run',
                value: current,
                validateInput: (value) => (value.trim() === '' ? 'A run needs a name.' : tagProblem(runNameTag, value.trim())),
              });
        if (newName === undefined || newName.trim() === '' || newName.trim() === current) return undefined;
        await access.call('renameRun', { runId, name: newName.trim() });
        return newName.trim();
      }),
    ),

    vscode.commands.registerCommand(CommandId.EditRunNote, (argument?: unknown, text?: unknown) =>
      withErrorMessage('edit the note', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const [runId] = (await targetRuns(access, argument, undefined, { title: 'Edit the note of which run?' })) ?? [];
        if (!runId) return undefined;
        if (typeof text === 'string') {
          if (text.trim() !== '') await access.call('setTag', { runId, key: runTags.note, value: text });
          else if ((await access.call('getRun', { runId })).data.tags?.some((t) => t.key === runTags.note)) await access.call('deleteTag', { runId, key: runTags.note });
          return text;
        }
        const run = (await access.call('getRun', { runId }));
        await vscode.window.showTextDocument(noteUri(runId, run.info.run_name), { preview: false });
        vscode.window.setStatusBarMessage('RunLens: save the note (Ctrl+S) to keep it with the run', 8000);
        return undefined;
      }),
    ),

    vscode.commands.registerCommand(CommandId.AddRunTag, (argument?: unknown, key?: unknown, value?: unknown) =>
      withErrorMessage('add the tag', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const ids = await targetRuns(access, argument, Array.isArray(key) ? key : undefined, { title: 'Tag which runs?', canPickMany: true });
        if (!ids) return undefined;
        const tagKey =
          typeof key === 'string'
            ? key
            : await vscode.window.showInputBox({ title: 'Add Tag: key', placeHolder: 'e.g. team', validateInput: (k) => (k.trim() === '' ? 'A tag needs a key.' : tagProblem(k.trim(), '')) });
        if (tagKey === undefined || tagKey.trim() === '') return undefined;
        const tagValue =
          typeof value === 'string'
            ? value
            : await vscode.window.showInputBox({ title: `Add Tag: value of ${tagKey.trim()}`, validateInput: (v) => tagProblem(tagKey.trim(), v) });
        if (tagValue === undefined) return undefined;
        for (const runId of ids) await access.call('setTag', { runId, key: tagKey.trim(), value: tagValue });
        return { key: tagKey.trim(), value: tagValue };
      }),
    ),

    vscode.commands.registerCommand(CommandId.RemoveRunTag, (argument?: unknown, key?: unknown) =>
      withErrorMessage('remove the tag', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const [runId] = (await targetRuns(access, argument, undefined, { title: 'Remove a tag of which run?' })) ?? [];
        if (!runId) return undefined;
        // A tag's own item carries its key; otherwise the key is given or picked.
        const fromNode = isTagField(argument) ? argument.key : undefined;
        const tagKey =
          typeof key === 'string'
            ? key
            : (fromNode ??
              (await vscode.window.showQuickPick(
                byKey((await access.call('getRun', { runId })).data.tags).map((t) => ({ label: t.key, description: t.value.slice(0, 80) })),
                { title: 'Remove which tag?' },
              ))?.label);
        if (tagKey === undefined) return undefined;
        await access.call('deleteTag', { runId, key: tagKey });
        return tagKey;
      }),
    ),
  ];
}

function isTagField(value: unknown): value is { kind: 'field'; role: 'tag'; key: string } {
  return typeof value === 'object' && value !== null && (value as { kind?: string }).kind === 'field' && (value as { role?: string }).role === 'tag';
}
