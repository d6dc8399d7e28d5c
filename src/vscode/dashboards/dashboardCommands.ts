import * as vscode from 'vscode';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { storeAccess } from '../runs/ownedStore';
import { remoteExperimentAddressOf, remoteRunAddressOf } from '../remote/remoteAddresses';
import { pickRuns, runIdOf, runIdsOf } from '../runs/runTargets';
import type { DashboardState, ExperimentDashboardState } from '../../protocol/dashboards/state';
import type { StoreAccess } from '../storeAccess';
import type { TrackingSession } from '../trackingSession';
import { folderUriOf, type WorkspaceSessions } from '../workspaceSessions';
import type { DashboardPanels } from './dashboardPanels';

/**
 * The commands that open dashboards, from the palette (they ask which runs), from the Runs view's
 * menus (they get the clicked node and the selection, local and remote runs alike), or from code
 * (ids, or remote addresses `<server URL>#<id>`). With several workspace folders, a panel is opened
 * on the clicked node's folder, or for what is picked, the active editor's folder's.
 */
export function registerDashboardCommands(sessions: WorkspaceSessions, panels: DashboardPanels): vscode.Disposable[] {
  /** The state with its folder, when the workspace has several (with one, states stay as they always were). */
  const inFolder = (state: DashboardState, folderUri: string | undefined): DashboardState =>
    folderUri === undefined || sessions.all().length < 2 ? state : { ...state, folder: folderUri };
  const folderUri = (session: TrackingSession) => session.folder?.uri.toString();
  return [
    vscode.commands.registerCommand(CommandId.OpenRunDashboard, (argument?: unknown) =>
      withErrorMessage('open the run dashboard', async () => {
        const given = runIdsOf(argument, undefined, dashboardRunIdOf)[0];
        if (given !== undefined) return void panels.open(inFolder({ kind: 'run', runId: given }, folderUriOf(argument)));
        const session = sessions.active();
        const runId = (await pickRuns(await storeAccess(session), { title: 'Open the dashboard of run' }))?.[0];
        if (runId !== undefined) panels.open(inFolder({ kind: 'run', runId }, folderUri(session)));
      }),
    ),
    vscode.commands.registerCommand(CommandId.OpenExperimentDashboard, (argument?: unknown) =>
      withErrorMessage('open the experiment dashboard', async () => {
        // A whole state (a sweep's end opens its runs with parallel coordinates) is opened as given.
        if (isExperimentState(argument)) return void panels.open(argument);
        const given = experimentIdOf(argument);
        if (given !== undefined) {
          const filter = filterOf(argument);
          return void panels.open(inFolder({ kind: 'experiment', experimentId: given, ...(filter ? { filter } : {}) }, folderUriOf(argument)));
        }
        const session = sessions.active();
        const experimentId = await pickExperiment(await storeAccess(session));
        if (experimentId !== undefined) panels.open(inFolder({ kind: 'experiment', experimentId }, folderUri(session)));
      }),
    ),
    vscode.commands.registerCommand(CommandId.CompareRuns, (argument?: unknown, selection?: unknown) =>
      withErrorMessage('compare runs', async () => {
        let runIds = [...new Set(runIdsOf(argument, selection, dashboardRunIdOf))];
        // The compared runs are read from one store: the clicked node's folder's, else the active editor's.
        const session = sessions.sessionOf(argument);
        if (runIds.length < 2) {
          const picked = await pickRuns(await storeAccess(session), {
            title: runIds.length === 1 ? 'Compare with…' : 'Compare runs (pick two or more)',
            canPickMany: true,
            exclude: runIds,
          });
          if (picked === undefined) return;
          runIds = [...runIds, ...picked];
        }
        if (runIds.length < 2) throw new Error('a compare needs two runs or more');
        panels.open(inFolder({ kind: 'compare', runIds }, folderUri(session)));
      }),
    ),
  ];
}

/** A local run's id, or a remote run's address, from a node of the Runs view (or an id). */
function dashboardRunIdOf(value: unknown): string | undefined {
  return runIdOf(value) ?? remoteRunAddressOf(value);
}

/**
 * A dashboard state given whole (a plain object, as a sweep's end passes one), not an experiment node
 * of the Runs view, which also has kind 'experiment' but is a tree element of a class of its own.
 */
function isExperimentState(argument: unknown): argument is ExperimentDashboardState {
  return (
    typeof argument === 'object' &&
    argument !== null &&
    Object.getPrototypeOf(argument) === Object.prototype &&
    (argument as { kind?: unknown }).kind === 'experiment' &&
    typeof (argument as { experimentId?: unknown }).experimentId === 'string'
  );
}

/** An experiment id from an id or an experiment node of the Runs view (a remote one's address). */
function experimentIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument !== '') return argument;
  const remote = remoteExperimentAddressOf(argument);
  if (remote !== undefined) return remote;
  if (typeof argument === 'object' && argument !== null && 'experimentId' in argument) {
    const id = (argument as { experimentId: unknown }).experimentId;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

/** A filter the dashboard opens with, from `{ experimentId, filter }` (the editor's summary lens gives one). */
function filterOf(argument: unknown): string | undefined {
  const filter = typeof argument === 'object' && argument !== null && 'filter' in argument ? (argument as { filter: unknown }).filter : undefined;
  return typeof filter === 'string' && filter !== '' ? filter : undefined;
}

async function pickExperiment(access: StoreAccess): Promise<string | undefined> {
  const summaries = await access.call('experimentsWithRuns', { query: { filter: '', sort: { field: 'attributes.start_time', ascending: false }, showDeleted: false } });
  const runCounts = new Map(summaries.map((summary) => [summary.experimentId, summary.runCount] as const));
  const items = (await access.call('listExperiments', {})).map((experiment) => ({
    label: experiment.name,
    description: `${runCounts.get(experiment.experiment_id) ?? 0} runs`,
    experimentId: experiment.experiment_id,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Open the dashboard of experiment', matchOnDescription: true });
  return picked?.experimentId;
}
