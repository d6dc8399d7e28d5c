import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { registerShowServerCommand } from '../server/showServerCommand';
import type { WorkspaceSessions } from '../workspaceSessions';
import { LaunchCodeLensProvider } from './codeLensProvider';
import { FailureDiagnostics } from './failureDiagnostics';
import { registerLaunchCommands } from './launchCommands';
import type { RemoteServerRegistry } from '../remote/remoteServerRegistry';
import { LaunchController } from './launchController';
import { LaunchNotifier } from './launchNotifier';
import { LaunchStatusBar } from './launchStatusBar';
import { registerLaunchTargetPicker } from './launchTargetPicker';
import { LaunchTargetStatusBar } from './launchTargetStatusBar';
import { PendingLaunchResults } from './pendingLaunchResults';
import { registerRerunCommand } from './rerunCommand';
import { registerReproduceCommand } from './reproduceCommand';
import { registerRunCodeCommands } from './runCodeCommands';
import { registerRunWorktreeCleanup } from './runWorktreeCleanup';
import { registerSweepCommands } from '../sweeps/sweepCommands';
import { SweepController } from '../sweeps/sweepController';

/**
 * Launching tracked runs: the lenses, the commands, the live launches, the status bar, the
 * notifications, failed runs at their failing line, where launches log (the workspace or a remote server), and the ends of remote
 * launches still to send.
 */
export class LaunchFeature extends Disposable {
  readonly controller: LaunchController;
  readonly sweeps: SweepController;

  constructor(sessions: WorkspaceSessions, context: vscode.ExtensionContext, remoteServers: RemoteServerRegistry) {
    super();
    const version = (context.extension.packageJSON as { version?: string }).version ?? 'unknown';
    this.controller = this.register(new LaunchController(sessions, context.extensionUri, version, remoteServers));
    this.register(new LaunchStatusBar(this.controller));
    this.register(new LaunchTargetStatusBar(remoteServers));
    this.register(registerLaunchTargetPicker(remoteServers));
    const pending = this.register(new PendingLaunchResults(sessions.primary(), remoteServers, this.controller));
    this.register(new LaunchNotifier(this.controller, pending));
    this.register(new FailureDiagnostics(sessions, this.controller));
    this.register(vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, this.register(new LaunchCodeLensProvider())));
    for (const disposable of registerLaunchCommands(this.controller, context.workspaceState)) this.register(disposable);
    this.register(registerRerunCommand(sessions, this.controller));
    for (const disposable of registerRunCodeCommands(sessions)) this.register(disposable);
    this.register(registerRunWorktreeCleanup(sessions));
    this.register(registerReproduceCommand(sessions, this.controller));
    // After the launch controller: disposed first, so a closing window leaves its sweeps' queues as they were.
    this.sweeps = this.register(new SweepController(sessions, this.controller));
    for (const disposable of registerSweepCommands(this.sweeps)) this.register(disposable);
    void this.sweeps.resumeOrLog();
    this.register(registerShowServerCommand(sessions, this.controller));
  }
}
