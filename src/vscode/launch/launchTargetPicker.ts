import * as vscode from 'vscode';
import { CommandId, SettingKey, SettingSection } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { RemoteServerRegistry } from '../remote/remoteServerRegistry';
import { launchTargetSetting, workspaceTargetValue } from './launchTarget';

interface TargetItem extends vscode.QuickPickItem {
  readonly value?: string;
}

/**
 * "RunLens: Choose Where Launches Log…": the workspace's store or one of the remote servers, kept
 * in the workspace's `runlens.launchTarget`. A string argument (a server name, or `workspace`) sets
 * it without asking.
 */
export function registerLaunchTargetPicker(registry: RemoteServerRegistry): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.ChooseLaunchTarget, (value?: unknown) =>
    withErrorMessage('choose where launches log', async () => {
      const chosen = typeof value === 'string' ? value : await pickTarget(registry);
      if (chosen === undefined) return undefined;
      if (chosen !== workspaceTargetValue && !registry.servers().some((server) => server.name === chosen)) {
        throw new Error(`no remote server is named '${chosen}'; add it with "RunLens: Add Remote MLflow Server…"`);
      }
      await writeTarget(chosen);
      return chosen;
    }),
  );
}

async function pickTarget(registry: RemoteServerRegistry): Promise<string | undefined> {
  const current = launchTargetSetting(vscode.window.activeTextEditor?.document.uri);
  const mark = (value: string) => (value === current ? ' $(check)' : '');
  const items: TargetItem[] = [
    { label: `$(folder) Workspace${mark(workspaceTargetValue)}`, description: '.runlens/ in this workspace', value: workspaceTargetValue },
    ...registry.servers().map((server) => ({ label: `$(cloud) ${server.name}${mark(server.name)}`, description: server.url, value: server.name })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(add) Add Remote MLflow Server…' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Where should launched scripts log their runs?',
    placeHolder: 'A remote server gets the runs with the captured code state; the workspace keeps them in .runlens/',
  });
  if (!picked) return undefined;
  if (picked.value !== undefined) return picked.value;
  const added = await vscode.commands.executeCommand<{ name: string } | undefined>(CommandId.AddRemoteServer);
  return added?.name;
}

/** Into the workspace's settings; the workspace value is removed when it would only repeat the user's. */
async function writeTarget(value: string): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SettingSection);
  const userValue = configuration.inspect<string>(SettingKey.LaunchTarget)?.globalValue?.trim() || workspaceTargetValue;
  await configuration.update(SettingKey.LaunchTarget, value === userValue ? undefined : value, vscode.ConfigurationTarget.Workspace);
}
