import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { TrackingSession } from '../trackingSession';
import { LaunchCodeLensProvider } from './codeLensProvider';
import { registerLaunchCommands } from './launchCommands';
import type { RemoteServerRegistry } from '../remote/remoteServerRegistry';
import { LaunchController } from './launchController';
import { LaunchNotifier, type RunRevealers } from './launchNotifier';
import { LaunchStatusBar } from './launchStatusBar';
import { registerLaunchTargetPicker } from './launchTargetPicker';
import { LaunchTargetStatusBar } from './launchTargetStatusBar';
import { registerRerunCommand } from './rerunCommand';

/**
 * Launching tracked runs: the lenses, the commands, the live launches, the status bar, the
 * notifications, and where launches log (the workspace or a remote server).
 */
export class LaunchFeature extends Disposable {
  readonly controller: LaunchController;

  constructor(session: TrackingSession, context: vscode.ExtensionContext, reveal: RunRevealers, remoteServers: RemoteServerRegistry) {
    super();
    const version = (context.extension.packageJSON as { version?: string }).version ?? 'unknown';
    this.controller = this.register(new LaunchController(session, context.extensionUri, version, remoteServers));
    this.register(new LaunchStatusBar(this.controller));
    this.register(new LaunchTargetStatusBar(remoteServers));
    this.register(registerLaunchTargetPicker(remoteServers));
    this.register(new LaunchNotifier(this.controller, reveal));
    this.register(vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, this.register(new LaunchCodeLensProvider())));
    for (const disposable of registerLaunchCommands(this.controller, context.workspaceState)) this.register(disposable);
    this.register(registerRerunCommand(session, this.controller));
  }
}
