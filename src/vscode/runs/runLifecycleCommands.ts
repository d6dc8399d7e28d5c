import * as vscode from 'vscode';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { WorkspaceSessions } from '../workspaceSessions';
import { ownedStore } from './ownedStore';
import { purgeablePath } from './runArtifactFiles';
import { targetRuns } from './runTargets';

/** `{ confirmed: true }` as the second argument skips purge's confirmation (for tests and scripted use). */
interface PurgeOptions {
  readonly confirmed?: boolean;
}

/**
 * Delete and restore change a run's lifecycle only (MLflow's soft delete: nothing is lost); purge
 * removes the run's rows and artifact files for good, after a modal confirmation.
 */
export function registerRunLifecycleCommands(sessions: WorkspaceSessions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.DeleteRun, (argument?: unknown, selection?: unknown) =>
      withErrorMessage('delete the run', async () => {
        const store = await ownedStore(sessions.sessionOf(argument));
        const ids = await targetRuns(store, argument, selection, { title: 'Delete which runs?', canPickMany: true });
        for (const runId of ids ?? []) store.tracking.deleteRun(runId);
        return ids;
      }),
    ),

    vscode.commands.registerCommand(CommandId.RestoreRun, (argument?: unknown, selection?: unknown) =>
      withErrorMessage('restore the run', async () => {
        const store = await ownedStore(sessions.sessionOf(argument));
        const ids = await targetRuns(store, argument, selection, { title: 'Restore which runs?', canPickMany: true });
        for (const runId of ids ?? []) store.tracking.restoreRun(runId);
        return ids;
      }),
    ),

    vscode.commands.registerCommand(CommandId.PurgeRun, (argument?: unknown, selectionOrOptions?: unknown) =>
      withErrorMessage('purge the run', async () => {
        const store = await ownedStore(sessions.sessionOf(argument));
        const options = isPurgeOptions(selectionOrOptions) ? selectionOrOptions : {};
        const selection = isPurgeOptions(selectionOrOptions) ? undefined : selectionOrOptions;
        const ids = await targetRuns(store, argument, selection, { title: 'Purge which runs?', canPickMany: true });
        if (!ids) return undefined;
        const runs = ids.map((runId) => store.tracking.getRun(runId));
        if (!options.confirmed) {
          const what = runs.length === 1 ? `the run "${runs[0].info.run_name}"` : `${runs.length} runs`;
          const answer = await vscode.window.showWarningMessage(
            `Purge ${what} permanently?`,
            {
              modal: true,
              detail: 'Its params, metrics, tags and artifact files are removed from the store and cannot be restored. Delete keeps them instead.',
            },
            'Purge',
          );
          if (answer !== 'Purge') return undefined;
        }
        for (const run of runs) {
          store.tracking.purgeRun(run.info.run_id);
          const files = purgeablePath(run);
          if (files !== undefined) await store.artifacts.delete(files);
        }
        return ids;
      }),
    ),
  ];
}

function isPurgeOptions(value: unknown): value is PurgeOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'confirmed' in value;
}
