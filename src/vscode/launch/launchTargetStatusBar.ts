import * as vscode from 'vscode';
import { CommandId, SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import type { RemoteServerRegistry } from '../remote/remoteServerRegistry';
import { configuredLaunchTarget } from './launchTarget';

/**
 * `$(cloud-upload) RunLens → team` while launches log to a remote server, so that nobody looks for
 * their runs in the workspace; hidden while they log to the workspace (the default). A click picks
 * another target.
 */
export class LaunchTargetStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('runlens.launchTarget', vscode.StatusBarAlignment.Left, 9));

  constructor(private readonly registry: RemoteServerRegistry) {
    super();
    this.item.name = 'RunLens: Where Launches Log';
    this.item.command = CommandId.ChooseLaunchTarget;
    this.register(registry.onDidChange(() => this.update()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SettingSection}.${SettingKey.LaunchTarget}`)) this.update();
      }),
    );
    this.update();
  }

  private update(): void {
    let text: string;
    let tooltip: string;
    try {
      const target = configuredLaunchTarget(this.registry.servers());
      if (target.kind === 'workspace') {
        this.item.hide();
        return;
      }
      text = `$(cloud-upload) RunLens → ${target.server.name}`;
      tooltip = `Scripts launched with RunLens log to ${target.server.name} (${target.server.url}), with the captured code state. Click to change.`;
    } catch (error) {
      text = '$(warning) RunLens: launch target?';
      tooltip = `${(error as Error).message}. Click to choose.`;
    }
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }
}
