import * as vscode from 'vscode';
import { CommandId, SettingKey, SettingSection } from './contributions';
import { withErrorMessage } from './errorBoundary';
import type { TrackingEndpoint, TrackingSession } from './trackingSession';

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

/** Registers the commands that need the tracking server: copying its environment and running a script against it. */
export function registerTrackingCommands(session: TrackingSession, extensionUri: vscode.Uri): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.CopyTrackingEnv, () =>
      withErrorMessage('copy the tracking environment', async () => {
        await vscode.env.clipboard.writeText(exportLines(await endpointOf(session)));
        void vscode.window.showInformationMessage(
          'RunLens: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN copied. Paste them into a terminal, then run your MLflow script there.',
        );
      }),
    ),
    vscode.commands.registerCommand(CommandId.RunActiveFile, (resource?: vscode.Uri) =>
      withErrorMessage('run the file', async () => {
        const file = resource ?? vscode.window.activeTextEditor?.document.uri;
        if (!file || !file.fsPath.endsWith('.py')) throw new Error('Open a Python file to run it tracked.');
        if (!vscode.workspace.isTrusted) throw new Error('Launching code is unavailable in an untrusted workspace.');
        const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
        if (document?.isDirty) await document.save();
        return runInTerminal(file, await endpointOf(session), extensionUri);
      }),
    ),
  ];
}

/** Runs the script in a terminal of its own with the tracking environment and the `runlens` helper on PYTHONPATH. */
function runInTerminal(file: vscode.Uri, endpoint: TrackingEndpoint, extensionUri: vscode.Uri): vscode.Terminal {
  const helperPath = vscode.Uri.joinPath(extensionUri, 'dist', 'python').fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(file);
  const interpreter = vscode.workspace.getConfiguration(SettingSection, file).get<string>(SettingKey.PythonPath) || 'python3';
  const experiment = vscode.workspace.getConfiguration(SettingSection, file).get<string>(SettingKey.DefaultExperiment);
  const separator = process.platform === 'win32' ? ';' : ':';
  const terminal = vscode.window.createTerminal({
    name: `RunLens: ${vscode.workspace.asRelativePath(file)}`,
    cwd: folder?.uri ?? vscode.Uri.joinPath(file, '..'),
    env: {
      MLFLOW_TRACKING_URI: endpoint.url,
      MLFLOW_TRACKING_TOKEN: endpoint.token,
      ...(experiment && experiment !== 'Default' ? { MLFLOW_EXPERIMENT_NAME: experiment } : {}),
      PYTHONPATH: [helperPath, process.env.PYTHONPATH].filter(Boolean).join(separator),
    },
  });
  terminal.show();
  terminal.sendText(`${shellQuote(interpreter)} ${shellQuote(file.fsPath)}`);
  return terminal;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
