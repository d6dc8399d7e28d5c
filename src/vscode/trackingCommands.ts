import * as vscode from 'vscode';
import { CommandId } from './contributions';
import { withErrorMessage } from './errorBoundary';
import type { TrackingEndpoint, TrackingSession } from './trackingSession';
import type { WorkspaceSessions } from './workspaceSessions';

/** The lines a person pastes into a terminal so that an MLflow script there logs into this workspace. */
export function exportLines(endpoint: TrackingEndpoint): string {
  return `export MLFLOW_TRACKING_URI=${endpoint.url}\nexport MLFLOW_TRACKING_TOKEN=${endpoint.token}\n`;
}

async function endpointOf(session: TrackingSession): Promise<TrackingEndpoint> {
  const opened = await session.session();
  if (opened.kind === 'owner') return opened.endpoint;
  if (opened.endpoint) return opened.endpoint;
  throw new Error(`The store is owned by process ${opened.ownerPid}, which has not started its server yet. Try again in a moment.`);
}

/** Registers the command that hands the tracking server to scripts run anywhere: copying its environment. (Launching is src/vscode/launch.) */
export function registerTrackingCommands(sessions: WorkspaceSessions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.CopyTrackingEnv, () =>
      withErrorMessage('copy the tracking environment', async () => {
        await vscode.env.clipboard.writeText(exportLines(await endpointOf(sessions.active())));
        void vscode.window.showInformationMessage(
          'RunLens: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN copied. Paste them into a terminal, then run your MLflow script there.',
        );
      }),
    ),
  ];
}
