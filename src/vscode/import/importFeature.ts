import * as vscode from 'vscode';
import { findMlflowData } from '../../importers/mlflowSource';
import { CommandId } from '../contributions';
import { Disposable } from '../disposable';
import { withErrorMessage } from '../errorBoundary';
import type { RemoteServerRegistry } from '../remote/remoteServerRegistry';
import type { TrackingSession } from '../trackingSession';
import type { WorkspaceSessions } from '../workspaceSessions';
import { givenSource, importMlflowDataCommand, type ImportArgument } from './importMlflowDataCommand';
import { ImportNotices, type ImportApi } from './importNotices';
import { promoteModelCommand, pushToRemoteCommand } from './pushToRemoteCommand';

/** workspaceState key: the import offer is made once per workspace. */
const offeredKey = 'runlens.importOffered';

/** The offer waits until the window has settled: it is never part of activation. */
const offerDelayMs = 3000;
/**
 * How often the folder is looked at again while no offer was made: VS Code's watcher can miss the
 * new folder (it shuts a watcher down for good when a watched path is deleted, and drops events
 * under load), and two stats are cheap.
 */
const offerRecheckMs = 15_000;

/** What makes a workspace hold MLflow data (mlflowSource.ts): an mlflow.db, or an experiment's meta.yaml in mlruns/. */
const mlflowDataGlob = '{mlflow.db,mlruns/*/meta.yaml}';

/**
 * Bringing MLflow data in (mlruns/, mlflow.db) and taking runs out to a remote MLflow server:
 * the two commands, and a one-time offer when the workspace holds MLflow data, when it opens or
 * when such data appears in it (a script run without RunLens wrote it). With several workspace
 * folders, an import goes to one folder's store (importTarget); the offer looks at the first folder.
 */
export class ImportFeature extends Disposable {
  private readonly notices = this.register(new ImportNotices());
  /** Set as the offer is made, before the memento has stored it, so two triggers at once make one offer. */
  private offering = false;

  private readonly session: TrackingSession;

  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly workspaceState: vscode.Memento,
    registry: RemoteServerRegistry,
  ) {
    super();
    this.session = sessions.primary();
    this.register(
      vscode.commands.registerCommand(CommandId.ImportMlflowData, (argument?: ImportArgument) =>
        withErrorMessage('import the MLflow data', async () => {
          const target = await this.importTarget(argument);
          return target && importMlflowDataCommand(target, this.notices, argument);
        }),
      ),
    );
    this.register(
      vscode.commands.registerCommand(CommandId.PushToRemote, (node?: unknown, selection?: unknown) =>
        withErrorMessage('push the runs', () => pushToRemoteCommand(sessions.sessionOf(node), registry, node, selection)),
      ),
    );
    this.register(
      vscode.commands.registerCommand(CommandId.PromoteModelToRemote, (node?: unknown) =>
        withErrorMessage('promote the model', () => promoteModelCommand(sessions.sessionOf(node), registry, node)),
      ),
    );
    const timer = setTimeout(() => void this.offerImport(), offerDelayMs);
    this.register({ dispose: () => clearTimeout(timer) });
    const folder = this.session.folder;
    if (folder && !workspaceState.get<boolean>(offeredKey)) {
      const watcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, mlflowDataGlob), false, true, true));
      this.register(watcher.onDidCreate(() => void this.offerImport()));
      const recheck = setInterval(() => {
        if (this.workspaceState.get<boolean>(offeredKey)) clearInterval(recheck);
        else void this.offerImport();
      }, offerRecheckMs);
      this.register({ dispose: () => clearInterval(recheck) });
    }
  }

  /** The import feature's notifications and progress, as events. */
  get api(): ImportApi {
    return this.notices;
  }

  /**
   * The folder whose store an import goes to: with one folder, it; with several, the one holding the
   * given source, else the active editor's, else the one the person picks (undefined if dismissed).
   */
  private async importTarget(argument: ImportArgument | undefined): Promise<TrackingSession | undefined> {
    const all = this.sessions.all();
    if (all.length < 2) return all[0];
    const source = givenSource(argument)?.path;
    const editor = vscode.window.activeTextEditor?.document.uri;
    const known = (source && this.sessions.forUri(vscode.Uri.file(source))) || (editor && this.sessions.forUri(editor));
    if (known) return known;
    const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Import the MLflow data into which folder’s RunLens store?' });
    return folder && this.sessions.forFolder(folder.uri.toString());
  }

  private async offerImport(): Promise<void> {
    const folder = this.session.folder;
    if (!folder || this.offering || this.workspaceState.get<boolean>(offeredKey)) return;
    const found = findMlflowData(folder.uri.fsPath);
    if (found.length === 0) return;
    this.offering = true;
    await this.workspaceState.update(offeredKey, true);
    const names = found.map((source) => vscode.workspace.asRelativePath(source.path)).join(' and ');
    const choice = await this.notices.show(
      'offer',
      `This workspace holds MLflow data (${names}). Import it into RunLens to see those runs in the Runs view?`,
      {},
      'Import',
      'Not Now',
    );
    if (choice === 'Import') {
      await vscode.commands.executeCommand(CommandId.ImportMlflowData, found.length === 1 ? found[0].path : undefined);
    }
  }
}
