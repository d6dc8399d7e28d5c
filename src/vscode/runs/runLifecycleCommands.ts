import * as vscode from 'vscode';
import type { Run } from '../../core/entities';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { WorkspaceSessions } from '../workspaceSessions';
import { storeAccess } from './ownedStore';
import { targetRuns } from './runTargets';

/** `{ confirmed: true }` as the second argument skips delete's and purge's confirmation (for tests and scripted use). */
interface ConfirmOptions {
  readonly confirmed?: boolean;
}

/**
 * Delete and restore change a run's lifecycle only (MLflow's soft delete: nothing is lost); purge
 * removes the run's rows and artifact files for good. Delete and purge ask first, once for all the
 * runs they act on, in a modal dialog as VS Code does for destructive actions.
 */
export function registerRunLifecycleCommands(sessions: WorkspaceSessions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.DeleteRun, (argument?: unknown, selectionOrOptions?: unknown) =>
      withErrorMessage('delete the run', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const { options, selection } = splitOptions(selectionOrOptions);
        const ids = await targetRuns(access, argument, selection, { title: 'Delete which runs?', canPickMany: true });
        if (!ids) return undefined;
        if (!options.confirmed) {
          const runs = await Promise.all(ids.map((runId) => access.call('getRun', { runId })));
          const answer = await vscode.window.showWarningMessage(
            `Delete ${describeRuns(runs)}?`,
            { modal: true, detail: 'Deleted runs are hidden from the Runs view, with everything they hold: Show Deleted Runs, then Restore Run, brings them back.' },
            'Delete',
          );
          if (answer !== 'Delete') return undefined;
        }
        for (const runId of ids) await access.call('deleteRun', { runId });
        return ids;
      }),
    ),

    vscode.commands.registerCommand(CommandId.RestoreRun, (argument?: unknown, selection?: unknown) =>
      withErrorMessage('restore the run', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const ids = await targetRuns(access, argument, selection, { title: 'Restore which runs?', canPickMany: true });
        for (const runId of ids ?? []) await access.call('restoreRun', { runId });
        return ids;
      }),
    ),

    vscode.commands.registerCommand(CommandId.PurgeRun, (argument?: unknown, selectionOrOptions?: unknown) =>
      withErrorMessage('purge the run', async () => {
        const access = await storeAccess(sessions.sessionOf(argument));
        const { options, selection } = splitOptions(selectionOrOptions);
        const ids = await targetRuns(access, argument, selection, { title: 'Purge which runs?', canPickMany: true });
        if (!ids) return undefined;
        const runs = await Promise.all(ids.map((runId) => access.call('getRun', { runId })));
        if (!options.confirmed) {
          const answer = await vscode.window.showWarningMessage(
            `Purge ${describeRuns(runs)} permanently?`,
            {
              modal: true,
              detail: 'Its params, metrics, tags and artifact files are removed from the store and cannot be restored. Delete keeps them instead.',
            },
            'Purge',
          );
          if (answer !== 'Purge') return undefined;
        }
        for (const runId of ids) await access.call('purgeRun', { runId });
        return ids;
      }),
    ),
  ];
}

/** A tree menu passes the selection second; a caller may pass options there instead. */
function splitOptions(selectionOrOptions: unknown): { options: ConfirmOptions; selection: unknown } {
  const isOptions =
    typeof selectionOrOptions === 'object' && selectionOrOptions !== null && !Array.isArray(selectionOrOptions) && 'confirmed' in selectionOrOptions;
  return isOptions ? { options: selectionOrOptions as ConfirmOptions, selection: undefined } : { options: {}, selection: selectionOrOptions };
}

/** `the run "name"`, or `3 runs`. */
function describeRuns(runs: readonly Run[]): string {
  return runs.length === 1 ? `the run "${runs[0].info.run_name}"` : `${runs.length} runs`;
}
