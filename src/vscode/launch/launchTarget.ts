import * as vscode from 'vscode';
import { SettingKey, SettingSection } from '../contributions';
import type { RemoteServerEntry } from '../remote/remoteServerRegistry';

/** Where a launch's runs go: the workspace's store, or a remote MLflow server. */
export type LaunchTarget = { readonly kind: 'workspace' } | { readonly kind: 'remote'; readonly server: RemoteServerEntry };

/** The value of `runlens.launchTarget` that means the workspace's store (its default). */
export const workspaceTargetValue = 'workspace';

/** The target `runlens.launchTarget` names for launches of `script` (or of the workspace). */
export function configuredLaunchTarget(servers: readonly RemoteServerEntry[], script?: vscode.Uri): LaunchTarget {
  const value = launchTargetSetting(script);
  if (value === workspaceTargetValue) return { kind: 'workspace' };
  const server = servers.find((entry) => entry.name === value);
  if (!server) {
    throw new Error(
      `runlens.launchTarget names '${value}', which is not a server in runlens.remoteServers; pick one with "RunLens: Choose Where Launches Log…"`,
    );
  }
  return { kind: 'remote', server };
}

/** The setting's value, trimmed; the workspace when unset or empty. */
export function launchTargetSetting(script?: vscode.Uri): string {
  const value = vscode.workspace.getConfiguration(SettingSection, script).get<string>(SettingKey.LaunchTarget)?.trim();
  return value || workspaceTargetValue;
}

/** "team (https://mlflow.example.com)": where a remote launch's runs went, for notifications and the terminal. */
export function describeServer(server: { readonly server: string; readonly url: string }): string {
  return `${server.server} (${server.url})`;
}
