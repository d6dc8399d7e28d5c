import * as vscode from 'vscode';
import type { Run } from '../core/entities';
import type { WorkspaceStore } from '../core/store/workspaceStore';
import { CommandId } from './contributions';
import { registerDashboardCommands } from './dashboards/dashboardCommands';
import { DashboardPanels } from './dashboards/dashboardPanels';
import { Disposable } from './disposable';
import { withErrorMessage } from './errorBoundary';
import { ImportFeature } from './import/importFeature';
import type { ImportApi } from './import/importNotices';
import type { LaunchApi, LaunchController } from './launch/launchController';
import { LaunchFeature } from './launch/launchFeature';
import type { ModelsTreeProvider } from './models/modelsTreeProvider';
import { RemoteServersFeature } from './remote/remoteServersFeature';
import { ModelsView } from './models/modelsView';
import type { RunsTreeProvider } from './runs/runsTreeProvider';
import { RunsView } from './runs/runsView';
import { registerTrackingCommands } from './trackingCommands';
import { TrackingSession, type TrackingEndpoint } from './trackingSession';
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
  /** Opens the store and server if needed; where MLflow clients log into this workspace. */
  trackingEndpoint(): Promise<TrackingEndpoint | undefined>;
  /**
   * The store, opened if needed, when this window owns it; undefined when another process does.
   * For tests and tools that read or seed a lot at once (one transaction instead of a request per run).
   */
  workspaceStore(): Promise<WorkspaceStore | undefined>;
  /** The dashboard panels: open ones, and every request they have had answered. */
  readonly dashboards: DashboardPanels;
  /** Scripts launched as tracked runs: follow one to its end. */
  readonly launches: LaunchApi;
  /** Imports of MLflow data: the notifications shown and the progress of a running import. */
  readonly imports: ImportApi;
}

/** The composition root: builds every feature once and owns their lifetimes. Nothing here touches the store. */
export class RunLensExtension extends Disposable {
  private readonly session: TrackingSession;
  private readonly runsView: RunsView;
  private readonly modelsView: ModelsView;
  private readonly dashboards: DashboardPanels;
  private readonly launches: LaunchController;
  private readonly imports: ImportApi;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.session = this.register(new TrackingSession(vscode.workspace.workspaceFolders?.[0]));
    const remote = this.register(new RemoteServersFeature(context.secrets));
    this.imports = this.register(new ImportFeature(this.session, context.workspaceState, remote.registry)).api;
    this.runsView = this.register(new RunsView(this.session, context.workspaceState, remote.runsTree));
    this.modelsView = this.register(new ModelsView(this.session, (runId) => this.runsView.revealRun(runId), remote.modelsTree));
    for (const disposable of registerTrackingCommands(this.session)) this.register(disposable);
    const reveal = {
      revealRun: (runId: string) => this.runsView.revealRun(runId),
      revealRemoteRun: (server: string, run: Run) => this.runsView.revealRemoteRun(server, run),
    };
    this.launches = this.register(new LaunchFeature(this.session, context, reveal, remote.registry)).controller;
    this.dashboards = this.register(new DashboardPanels(this.session, context.extensionUri, remote.mirrors));
    for (const disposable of registerDashboardCommands(this.session, this.dashboards)) this.register(disposable);
    for (const disposable of registerTraceCommands(this.dashboards, this.runsView.model)) this.register(disposable);
    this.register(new TraceLatencyLens(this.session));
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
      runsTree: this.runsView.provider,
      modelsTree: this.modelsView.provider,
      trackingEndpoint: async () => (await this.session.session()).endpoint,
      workspaceStore: async () => {
        const opened = await this.session.session();
        return opened.kind === 'owner' ? opened.store : undefined;
      },
      dashboards: this.dashboards,
      launches: this.launches,
      imports: this.imports,
    };
  }
}
