import * as vscode from 'vscode';
import path from 'node:path';
import { isProcessAlive } from '../../core/launches/processAlive';
import { SupervisorFiles, supervisedFolder } from '../../core/launches/supervisorFiles';
import { readOwner, type OwnerInfo } from '../../core/store/ownership';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { LaunchController } from '../launch/launchController';
import type { WorkspaceSessions } from '../workspaceSessions';
import type { TrackingSession } from '../trackingSession';
import { serverDescription } from './serverDescription';

const stopServer = 'Stop Server';

/**
 * RunLens: Show Server: which process serves a workspace folder's store (this window's extension
 * host, a RunLens server process, or `runlens serve`), its pid, port, store, uptime and version,
 * and the scripts running under their supervisors; with Stop Server for a server of its own.
 */
export function registerShowServerCommand(sessions: WorkspaceSessions, controller: LaunchController): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.ShowServer, () => withErrorMessage('show the RunLens server', () => showServer(sessions, controller)));
}

async function showServer(sessions: WorkspaceSessions, controller: LaunchController): Promise<void> {
  const session = await pickSession(sessions);
  const dir = session?.storeDir;
  if (!session || !dir) {
    void vscode.window.showInformationMessage('RunLens keeps its runs in the workspace: open a folder first.');
    return;
  }
  const owner = readOwner(dir);
  const labels = new Map(controller.running().map((launch) => [launch.launchId, launch.label]));
  const launches = new SupervisorFiles(path.join(dir, supervisedFolder)).live().map(({ launchId, state }) => ({
    label: labels.get(launchId) ?? `launch ${launchId.slice(0, 8)}`,
    scriptPid: state.scriptPid,
    startedAt: state.startedAt,
  }));
  const description = serverDescription({ storeDir: dir, owner, windowPid: process.pid, now: Date.now(), launches });
  const canStop = owner !== undefined && owner.pid !== process.pid && isProcessAlive(owner.pid);
  const choice = await vscode.window.showInformationMessage(description.title, { modal: true, detail: description.detail }, ...(canStop ? [stopServer] : []));
  if (choice === stopServer && owner) stop(owner, launches.length);
}

/** SIGTERM: the server finishes the requests in flight, checkpoints the store and exits; supervised scripts go on. */
function stop(owner: OwnerInfo, running: number): void {
  process.kill(owner.pid, 'SIGTERM');
  const scripts = running > 0 ? ` ${running} script(s) keep running under their supervisors; the next window serves their runs again.` : '';
  void vscode.window.showInformationMessage(`RunLens asked the server (pid ${owner.pid}) to stop.${scripts}`);
}

async function pickSession(sessions: WorkspaceSessions): Promise<TrackingSession | undefined> {
  const all = sessions.all().filter((session) => session.folder);
  if (all.length <= 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((session) => ({ label: session.folder!.name, description: session.storeDir, session })),
    { placeHolder: 'The RunLens server of which workspace folder?' },
  );
  return picked?.session;
}
