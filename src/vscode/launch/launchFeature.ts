import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { TrackingSession } from '../trackingSession';
import { LaunchCodeLensProvider } from './codeLensProvider';
import { registerLaunchCommands } from './launchCommands';
import { LaunchController } from './launchController';
import { LaunchNotifier } from './launchNotifier';
import { LaunchStatusBar } from './launchStatusBar';
import { registerRerunCommand } from './rerunCommand';

/** Launching tracked runs: the lenses, the commands, the live launches, the status bar and the notifications. */
export class LaunchFeature extends Disposable {
  readonly controller: LaunchController;

  constructor(session: TrackingSession, context: vscode.ExtensionContext, revealRun: (runId: string) => Promise<void>) {
    super();
    const version = (context.extension.packageJSON as { version?: string }).version ?? 'unknown';
    this.controller = this.register(new LaunchController(session, context.extensionUri, version));
    this.register(new LaunchStatusBar(this.controller));
    this.register(new LaunchNotifier(this.controller, revealRun));
    this.register(vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, this.register(new LaunchCodeLensProvider())));
    for (const disposable of registerLaunchCommands(this.controller, context.workspaceState)) this.register(disposable);
    this.register(registerRerunCommand(session, this.controller));
  }
}
