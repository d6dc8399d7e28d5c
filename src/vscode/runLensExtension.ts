import * as vscode from 'vscode';
import { CommandId, ViewId } from './contributions';
import { Disposable } from './disposable';
import { withErrorMessage } from './errorBoundary';
import { RunsTreeProvider } from './runsTree';
import { registerTrackingCommands } from './trackingCommands';
import { TrackingSession, type TrackingEndpoint } from './trackingSession';

/** What `activate` returns: for tests and for other extensions. */
export interface RunLensApi {
  /** How long `activate` took, by the extension's own measurement, in milliseconds. */
  readonly activationMs: number;
  /** The Runs view's provider: its elements are what the view shows. */
  readonly runsTree: RunsTreeProvider;
  /** Opens the store and server if needed; where MLflow clients log into this workspace. */
  trackingEndpoint(): Promise<TrackingEndpoint | undefined>;
}

/** The composition root: builds every feature once and owns their lifetimes. Nothing here touches the store. */
export class RunLensExtension extends Disposable {
  private readonly session: TrackingSession;
  private readonly runsTree: RunsTreeProvider;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.session = this.register(new TrackingSession(vscode.workspace.workspaceFolders?.[0]));
    this.runsTree = this.register(new RunsTreeProvider(this.session));
    this.register(vscode.window.createTreeView(ViewId.Runs, { treeDataProvider: this.runsTree, showCollapseAll: true }));
    for (const disposable of registerTrackingCommands(this.session, context.extensionUri)) this.register(disposable);
    this.register(vscode.commands.registerCommand(CommandId.RefreshRuns, () => this.runsTree.refresh()));
    this.register(
      vscode.commands.registerCommand(CommandId.ShowReadme, () =>
        vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(this.context.extensionUri, 'README.md')),
      ),
    );
    this.register(
      vscode.commands.registerCommand(CommandId.OpenStoreFolder, () =>
        withErrorMessage('reveal the store folder', async () => {
          await this.session.session();
          const dir = this.session.storeDir;
          if (dir) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
        }),
      ),
    );
  }

  api(activationMs: number): RunLensApi {
    return {
      activationMs,
      runsTree: this.runsTree,
      trackingEndpoint: async () => (await this.session.session()).endpoint,
    };
  }
}
