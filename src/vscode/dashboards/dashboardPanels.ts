import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { DashboardError } from '../../dashboards/dashboardError';
import { DashboardService } from '../../dashboards/dashboardService';
import type { RemoteMirrors } from '../../remote/browse/remoteMirrors';
import type { WorkspaceStore } from '../../core/store/workspaceStore';
import { ExportCsvRequest, type ExportCsvResult } from '../../protocol/dashboards/experimentRequests';
import {
  EnvironmentDiffRequest,
  OpenArtifactRequest,
  OpenDashboardRequest,
  OpenDiffRequest,
  OpenSourceRequest,
} from '../../protocol/dashboards/hostActions';
import { isServiceMethod } from '../../protocol/dashboards/methods';
import { RunsChangedNotification } from '../../protocol/dashboards/notifications';
import { isDashboardState, type DashboardState } from '../../protocol/dashboards/state';
import { panelTitle, panelTitles } from '../../protocol/dashboardTitles';
import type { RequestMessage } from '../../protocol/messages';
import { isRemoteAddress } from '../../protocol/runAddress';
import { watchOf, type DashboardWatch } from '../../server/dashboards/dashboardWatch';
import { Disposable } from '../disposable';
import type { StoreAccess } from '../storeAccess';
import type { TrackingSession } from '../trackingSession';
import type { WorkspaceSessions } from '../workspaceSessions';
import { guestBackend, inProcessBackend, ownerBackend, type DashboardBackend, type PanelChangeTracker } from './dashboardBackend';
import { DashboardHostActions, type DashboardStore } from './hostActions';
import { WebviewHost, webviewPanelOptions, type AnsweredRequest } from './webviewHost';
import { logError } from '../runLensLog';
import { GoToSpanCodeRequest } from '../../protocol/traceDashboard';
import { goToSpanCode } from '../traces/spanCode';

/** The view type of every dashboard panel; VS Code restores panels of this type through the serializer. */
export const dashboardViewType = 'runlens.dashboard';

/** A burst of writes (a training loop) is announced to open panels once per this window. */
const changeCoalesceMs = 100;
/** How often open panels' remote runs (those still running) and experiments are checked on their servers. */
const remotePollMs = 5_000;

interface OpenPanel {
  readonly host: WebviewHost;
  /** Made when the panel first asks for data: from then on it hears what changed since. */
  tracker?: PanelChangeTracker;
  /** The folder's session the panel reads, found on its first request. */
  session?: TrackingSession;
}

/**
 * The dashboards in VS Code: opens panels (run, experiment, compare), restores them after a reload
 * (WebviewPanelSerializer), answers their requests (the store's DashboardService, or VS Code itself
 * for host actions), and tells them when the runs they show change.
 */
export class DashboardPanels extends Disposable implements vscode.WebviewPanelSerializer<unknown> {
  private readonly panels = new Map<WebviewHost, OpenPanel>();
  private readonly actions: DashboardHostActions;
  /** One service per opened store (a store per workspace folder). */
  private readonly services = new WeakMap<WorkspaceStore, DashboardService>();
  /** Any service, for remote runs, which are the same from every folder. */
  private lastService: DashboardService | undefined;
  /** In a guest window: the service that reads the remote servers' runs (its own store holds none). */
  private remoteReader: DashboardService | undefined;
  private readonly watchedSessions = new Map<TrackingSession, vscode.Disposable>();
  private pendingChange: NodeJS.Timeout | undefined;
  private remotePoll: NodeJS.Timeout | undefined;
  private remotePolling = false;
  private readonly answered = this.register(new vscode.EventEmitter<AnsweredRequest & { readonly host: WebviewHost }>());
  /** Fires after any panel's request is answered: for tests and diagnostics. */
  readonly onDidAnswer = this.answered.event;

  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly extensionUri: vscode.Uri,
    /** The added remote servers, whose runs panels may show beside the workspace's. */
    private readonly remote?: RemoteMirrors,
  ) {
    super();
    this.actions = this.register(new DashboardHostActions((runId) => this.storeForRun(runId)));
    this.register(vscode.window.registerWebviewPanelSerializer(dashboardViewType, this));
    this.watchSessions();
    this.register(sessions.onDidChangeFolders(() => this.watchSessions()));
    this.register({ dispose: () => this.watchedSessions.forEach((subscription) => subscription.dispose()) });
    this.register({ dispose: () => clearTimeout(this.pendingChange) });
    this.register({ dispose: () => clearInterval(this.remotePoll) });
  }

  /** The open panels' hosts, newest last. */
  get hosts(): readonly WebviewHost[] {
    return [...this.panels.keys()];
  }

  /** Opens a dashboard in a new panel, in the active editor group. */
  open(state: DashboardState): WebviewHost {
    const panel = vscode.window.createWebviewPanel(dashboardViewType, panelTitle(state), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(this.extensionUri));
    return this.adopt(panel, state);
  }

  /** Called by VS Code after a reload for each dashboard panel that was open, with the state its webview saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isDashboardState(state)) {
      // Nothing says what it showed (a panel from an older version, or one closed before it loaded).
      panel.dispose();
      return;
    }
    this.adopt(panel, state);
  }

  private adopt(panel: vscode.WebviewPanel, state: DashboardState): WebviewHost {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'runlens.svg');
    panel.title = panelTitle(state);
    const host = new WebviewHost({
      panel,
      extensionUri: this.extensionUri,
      state,
      handleRequest: (request, from) => this.handle(request, from),
    });
    this.panels.set(host, { host });
    host.onDidAnswer((answer) => this.answered.fire({ ...answer, host }));
    host.onDidChangeState(() => this.retitle());
    host.onDidDispose(() => {
      this.panels.delete(host);
      this.retitle();
    });
    this.retitle();
    return host;
  }

  /** Titles every open panel at once, so that tabs that would read alike carry a short id each. */
  private retitle(): void {
    const hosts = [...this.panels.keys()];
    panelTitles(hosts.map((host) => host.titled)).forEach((title, i) => (hosts[i].panel.title = title));
  }

  override dispose(): void {
    for (const host of this.panels.keys()) host.dispose();
    this.panels.clear();
    super.dispose();
  }

  /**
   * Answers `request` as if the panel's page had sent it, through the same dispatch. The page's
   * host actions (go to code, open source) only send such requests, so tests in VS Code, which
   * cannot click inside a webview, ask through here what a click asks.
   */
  request(host: WebviewHost, request: RequestMessage): Promise<unknown> {
    return this.handle(request, host);
  }

  private async handle(request: RequestMessage, host: WebviewHost): Promise<unknown> {
    const { method, params } = request;
    if (ExportCsvRequest.is(request)) return this.exportCsv(host, params);
    if (isServiceMethod(method)) {
      const backend = await this.backend(await this.sessionOfPanel(host));
      await this.track(host, backend);
      return backend.handle(method, params);
    }
    if (OpenDashboardRequest.is(request)) {
      const state = (params as { state?: unknown } | undefined)?.state;
      if (!isDashboardState(state)) throw new DashboardError('invalidParams', 'dashboard/open needs a dashboard state.');
      // What a panel links to (an experiment's run, a run's experiment) is in the panel's own folder;
      // with one folder, states name none, as they always did.
      const several = this.sessions.all().length > 1;
      const folder = state.folder ?? (several ? (await this.sessionOfPanel(host)).folder?.uri.toString() : undefined);
      this.open(folder === undefined ? state : { ...state, folder });
      return {};
    }
    if (OpenSourceRequest.is(request)) return this.actions.openSource(requiredString(params, 'runId', method));
    if (OpenDiffRequest.is(request)) {
      const other = (params as { otherRunId?: unknown } | undefined)?.otherRunId;
      return this.actions.openDiff(requiredString(params, 'runId', method), typeof other === 'string' ? other : undefined);
    }
    if (EnvironmentDiffRequest.is(request)) return this.actions.environmentDiff(requiredString(params, 'runId', method));
    if (OpenArtifactRequest.is(request)) return this.actions.openArtifact(requiredString(params, 'runId', method), requiredString(params, 'path', method));
    if (GoToSpanCodeRequest.is(request)) {
      const session = await this.sessionOfPanel(host);
      const { access } = await this.dashboardStore(session);
      return goToSpanCode(access, session.folder, requiredString(params, 'traceId', method), requiredString(params, 'spanId', method));
    }
    throw new DashboardError('invalidParams', `Unknown dashboard request: ${method}.`);
  }

  /** In VS Code the host writes the CSV where the person chooses; the webview learns where. */
  private async exportCsv(host: WebviewHost, params: unknown): Promise<ExportCsvResult> {
    const session = await this.sessionOfPanel(host);
    const result = await (await this.backend(session)).handle('experiment/exportCsv', params);
    const folder = session.folder?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export runs as CSV',
      saveLabel: 'Export',
      filters: { CSV: ['csv'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, result.fileName) } : {}),
    });
    if (target === undefined) return result;
    await writeFile(target.fsPath, result.csv, 'utf8');
    return { ...result, savedTo: target.fsPath };
  }

  /**
   * The folder's session a panel reads: the folder its state names; else, for runs, the folder whose
   * store holds its first local run (run ids are unique across stores); else the first folder.
   */
  private async sessionOfPanel(host: WebviewHost): Promise<TrackingSession> {
    const entry = this.panels.get(host);
    if (entry?.session) return entry.session;
    const state = host.state;
    let session: TrackingSession | undefined;
    if (state.folder !== undefined) {
      session = this.sessions.forFolder(state.folder);
      if (!session) throw new DashboardError('notFound', `The folder ${vscode.Uri.parse(state.folder).fsPath} is not in this workspace any more.`);
    } else {
      const runId = (state.kind === 'run' ? [state.runId] : state.kind === 'compare' ? state.runIds : []).find((id) => !isRemoteAddress(id));
      session = runId === undefined ? undefined : await this.sessionHoldingRun(runId);
    }
    session ??= this.sessions.primary();
    if (entry) entry.session = session;
    return session;
  }

  /** The first folder's session whose store has the run; with one folder, that folder's without a look. */
  private async sessionHoldingRun(runId: string): Promise<TrackingSession | undefined> {
    const sessions = this.sessions.all();
    if (sessions.length < 2) return sessions[0];
    for (const session of sessions) {
      // A folder without a store holds no run: looking must not create one.
      if (!session.storeExists()) continue;
      const opened = await session.settledSession().catch(() => undefined);
      if (opened?.kind === 'owner' && session.ownsRun(runId)) return session;
      if (opened?.kind === 'guest' && opened.access && (await holdsRun(opened.access, runId))) return session;
    }
    return undefined;
  }

  /** For host actions, which name only a run: the store holding it (a remote run's: any folder's service reads it). */
  private async storeForRun(runId: string): Promise<DashboardStore> {
    const session = (isRemoteAddress(runId) ? undefined : await this.sessionHoldingRun(runId)) ?? this.sessions.primary();
    return this.dashboardStore(session);
  }

  /** What answers a folder's panels: its store's dashboard service in this window, or the owner process's. */
  private async backend(folderSession: TrackingSession): Promise<DashboardBackend> {
    return (await this.dashboardStore(folderSession)).backend;
  }

  /**
   * A folder's store as the dashboards reach it: through its dashboard service in this window, or,
   * when another process owns the store, through that process's, over loopback with its token.
   */
  private async dashboardStore(folderSession: TrackingSession): Promise<DashboardStore> {
    // Settled: its answers (reads and writes) never see half an import, as the server's requests don't.
    const session = await folderSession.settledSession();
    const workspaceFolder = folderSession.folder?.uri.fsPath;
    if (session.kind === 'guest') {
      if (!session.endpoint || !session.access) {
        throw new DashboardError('unavailable', `This workspace's runs are served by another RunLens process (pid ${session.ownerPid}), which has not published its server yet: try again in a moment.`);
      }
      const owner = ownerBackend(session.endpoint, session.access);
      const reader = this.guestRemoteReader();
      if (!reader) return { backend: owner, access: session.access, workspaceFolder };
      this.lastService = reader;
      return { backend: guestBackend(owner, inProcessBackend(reader)), access: session.access, workspaceFolder, service: reader };
    }
    const { store } = session;
    let service = this.services.get(store);
    if (!service) {
      service = new DashboardService({ tracking: store.tracking, artifacts: store.artifacts, traces: store.traces, remote: this.remote });
      this.services.set(store, service);
    }
    this.lastService = service;
    return { backend: inProcessBackend(service), access: session.access, workspaceFolder, service };
  }

  /**
   * A guest window reads the remote servers' runs itself, as the window that owns a store does: the
   * owner has neither their addresses nor their credentials. The reader holds no store (the owner
   * answers for the workspace's runs), only the remote servers' mirrors.
   */
  private guestRemoteReader(): DashboardService | undefined {
    if (!this.remote) return undefined;
    this.remoteReader ??= new DashboardService({ remote: this.remote });
    return this.remoteReader;
  }

  /** Open panels hear of writes to any folder's store (each checks only its own runs). */
  private watchSessions(): void {
    const current = this.sessions.all();
    for (const [session, subscription] of this.watchedSessions) {
      if (current.includes(session)) continue;
      subscription.dispose();
      this.watchedSessions.delete(session);
    }
    for (const session of current) {
      if (!this.watchedSessions.has(session)) this.watchedSessions.set(session, session.onDidChange(() => this.scheduleChange()));
    }
  }

  private scheduleChange(): void {
    this.pendingChange ??= setTimeout(() => {
      this.pendingChange = undefined;
      void this.announceChanges();
    }, changeCoalesceMs);
  }

  /**
   * Records where a panel's runs stand before it reads them (its first poll is a baseline), so a
   * write that lands after its read is announced to it.
   */
  private async track(host: WebviewHost, backend: DashboardBackend): Promise<void> {
    if (this.remote && watchesRemote(watchOf(host.state))) this.remotePoll ??= setInterval(() => void this.announceRemoteChanges(), remotePollMs);
    const entry = this.panels.get(host);
    if (entry === undefined || entry.tracker !== undefined) return;
    entry.tracker = backend.changeTracker();
    await this.poll(entry);
  }

  /**
   * Remote servers tell nobody when a run logs: every few seconds, each panel that shows remote runs
   * hears which of them changed (the mirror asks only about runs that were running). One round at a
   * time; the timer stops when no panel shows remote runs.
   */
  private async announceRemoteChanges(): Promise<void> {
    const entries = [...this.panels.values()].filter((entry) => entry.tracker !== undefined && watchesRemote(watchOf(entry.host.state)));
    if (entries.length === 0) {
      clearInterval(this.remotePoll);
      this.remotePoll = undefined;
      return;
    }
    const service = this.lastService;
    if (this.remotePolling || service === undefined) return;
    this.remotePolling = true;
    try {
      for (const entry of entries) {
        const change = await service.remoteChanges(watchOf(entry.host.state));
        if (change && this.panels.has(entry.host)) entry.host.notify(RunsChangedNotification, change);
      }
    } finally {
      this.remotePolling = false;
    }
  }

  /** Each open panel hears about changes to what it shows, and nothing else. */
  private async announceChanges(): Promise<void> {
    for (const entry of [...this.panels.values()]) {
      const change = await this.poll(entry);
      if (change && this.panels.has(entry.host)) entry.host.notify(RunsChangedNotification, change);
    }
  }

  private async poll(entry: OpenPanel) {
    try {
      return await entry.tracker?.poll(watchOf(entry.host.state));
    } catch (error) {
      logError('Dashboards: could not check for changes', error);
      return undefined;
    }
  }
}

/** Whether the owner's store has the run (run ids are unique across stores). */
async function holdsRun(access: StoreAccess, runId: string): Promise<boolean> {
  try {
    await access.call('getRun', { runId });
    return true;
  } catch {
    return false;
  }
}

function watchesRemote(watch: DashboardWatch): boolean {
  return [...(watch.runIds ?? []), ...(watch.experimentIds ?? [])].some(isRemoteAddress);
}

function requiredString(params: unknown, name: string, method: string): string {
  const value = (params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string' || value === '') throw new DashboardError('invalidParams', `${method} needs '${name}'.`);
  return value;
}
