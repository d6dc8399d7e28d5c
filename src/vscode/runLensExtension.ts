import * as vscode from 'vscode';
import type { WorkspaceStore } from '../core/store/workspaceStore';
import { CommandId } from './contributions';
import { registerDashboardCommands } from './dashboards/dashboardCommands';
import { DashboardPanels } from './dashboards/dashboardPanels';
import { MlflowTerminalLinks, type MlflowTerminalLink } from './dashboards/mlflowTerminalLinks';
import { Disposable } from './disposable';
import { withErrorMessage } from './errorBoundary';
import { EditorLensFeature, type EditorLensApi } from './editorLens/editorLensFeature';
import { ImportFeature } from './import/importFeature';
import type { ImportApi } from './import/importNotices';
import type { LaunchApi, LaunchController } from './launch/launchController';
import { LaunchFeature } from './launch/launchFeature';
import type { SweepApi } from './sweeps/sweepController';
import type { ModelsTreeProvider } from './models/modelsTreeProvider';
import { RemoteServersFeature } from './remote/remoteServersFeature';
import { ModelsView } from './models/modelsView';
import type { RunsTreeProvider } from './runs/runsTreeProvider';
import { disposeRunLensLog, runLensLog } from './runLensLog';
import { RunsView } from './runs/runsView';
import { registerTrackingCommands } from './trackingCommands';
import type { TrackingEndpoint } from './trackingSession';
import { WorkspaceSessions } from './workspaceSessions';
import { registerTraceCommands } from './traces/traceCommands';
import { TraceLatencyLens } from './traces/traceLatencyLens';

/** What `activate` returns: for tests and for other extensions. */
export interface RunLensApi {
  /** How long `activate` took, by the extension's own measurement, in milliseconds. */
  readonly activationMs: number;
  /** The Runs view's provider: its elements are what the view shows. */
  readonly runsTree: RunsTreeProvider;
  /** The Models view's provider. */
  readonly modelsTree: ModelsTreeProvider;
  /** Opens the store and server if needed; where MLflow clients log into the folder (the first workspace folder by default). */
  trackingEndpoint(folder?: vscode.Uri): Promise<TrackingEndpoint | undefined>;
  /**
   * The store, opened if needed, when this window owns it; undefined when another process does.
   * For tests and tools that read or seed a lot at once (one transaction instead of a request per run).
   * A guest window has no such object to give: the owner keeps the database in its own memory
   * (sql.js), and a second copy opened here would fork the store. In a guest, `trackingEndpoint`
   * reaches the owner's server, whose MLflow REST API reads and writes the same runs.
   */
  workspaceStore(folder?: vscode.Uri): Promise<WorkspaceStore | undefined>;
  /** The dashboard panels: open ones, and every request they have had answered. */
  readonly dashboards: DashboardPanels;
  /** The editor's lenses and hovers on runs: their store reads, and a refresh for tests. */
  readonly editorLens: EditorLensApi;
  /** Scripts launched as tracked runs: follow one to its end. */
  readonly launches: LaunchApi;
  /** Sweeps this window runs: follow one until its queue is idle. */
  readonly sweeps: SweepApi;
  /** Imports of MLflow data: the notifications shown and the progress of a running import. */
  readonly imports: ImportApi;
  /** The terminal link provider that opens MLflow's printed run and experiment links as dashboards. */
  readonly terminalLinks: vscode.TerminalLinkProvider<MlflowTerminalLink>;
}

/** The composition root: builds every feature once and owns their lifetimes. Nothing here touches the store. */
export class RunLensExtension extends Disposable {
  private readonly sessions: WorkspaceSessions;
  private readonly runsView: RunsView;
  private readonly modelsView: ModelsView;
  private readonly dashboards: DashboardPanels;
  private readonly launches: LaunchController;
  private readonly sweeps: SweepApi;
  private readonly imports: ImportApi;
  private readonly terminalLinks: MlflowTerminalLinks;
  private readonly editorLens: EditorLensApi;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.register({ dispose: disposeRunLensLog });
    this.register(vscode.commands.registerCommand(CommandId.ShowLog, () => runLensLog().show()));
    this.sessions = this.register(new WorkspaceSessions());
    const remote = this.register(new RemoteServersFeature(context.secrets));
    this.imports = this.register(new ImportFeature(this.sessions, context.workspaceState, remote.registry)).api;
    this.runsView = this.register(new RunsView(this.sessions, context.workspaceState, remote.runsTree));
    this.modelsView = this.register(new ModelsView(this.sessions, (runId) => this.runsView.revealRun(runId), remote.modelsTree));
    for (const disposable of registerTrackingCommands(this.sessions)) this.register(disposable);
    const launchFeature = this.register(new LaunchFeature(this.sessions, context, remote.registry));
    this.launches = launchFeature.controller;
    this.sweeps = launchFeature.sweeps;
    this.dashboards = this.register(new DashboardPanels(this.sessions, context.extensionUri, remote.mirrors));
    for (const disposable of registerDashboardCommands(this.sessions, this.dashboards)) this.register(disposable);
    this.terminalLinks = new MlflowTerminalLinks(this.sessions, this.dashboards);
    this.register(vscode.window.registerTerminalLinkProvider(this.terminalLinks));
    for (const disposable of registerTraceCommands(this.dashboards, this.runsView.folders)) this.register(disposable);
    this.register(new TraceLatencyLens(this.sessions.primary()));
    this.editorLens = this.register(new EditorLensFeature(this.sessions, this.runsView.sources, this.runsView.state)).api;
    this.register(
      vscode.commands.registerCommand(CommandId.ShowReadme, () =>
        vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(this.context.extensionUri, 'README.md')),
      ),
    );
    this.register(
      vscode.commands.registerCommand(CommandId.OpenStoreFolder, () =>
        withErrorMessage('reveal the store folder', async () => {
          const session = this.sessions.active();
          await session.session();
          const dir = session.storeDir;
          if (dir) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
        }),
      ),
    );
  }

  api(activationMs: number): RunLensApi {
    return {
      activationMs,
      runsTree: this.runsView.provider,
      modelsTree: this.modelsView.provider,
      trackingEndpoint: async (folder) => (await this.sessionIn(folder).session()).endpoint,
      workspaceStore: async (folder) => {
        const opened = await this.sessionIn(folder).session();
        // Owner only, by design: see RunLensApi.workspaceStore.
        return opened.kind === 'owner' ? opened.store : undefined;
      },
      dashboards: this.dashboards,
      launches: this.launches,
      editorLens: this.editorLens,
      sweeps: this.sweeps,
      imports: this.imports,
      terminalLinks: this.terminalLinks,
    };
  }

  private sessionIn(folder: vscode.Uri | undefined) {
    return (folder && this.sessions.forUri(folder)) ?? this.sessions.primary();
  }
}
