import * as vscode from 'vscode';
import { toResponseError } from '../../dashboards/dashboardError';
import {
  RunsChangedNotification,
  ShowDashboardNotification,
  StateChangedNotification,
  type HostInfo,
} from '../../protocol/dashboards/notifications';
import { isDashboardState, type DashboardState } from '../../protocol/dashboards/state';
import {
  errorResponse,
  isRequestMessage,
  ReadyNotification,
  successResponse,
  type Message,
  type NotificationType,
  type RequestMessage,
} from '../../protocol/messages';
import type { TitledDashboard } from '../../protocol/dashboardTitles';
import { dashboardHtml } from '../../server/dashboards/dashboardHtml';
import { Disposable } from '../disposable';
import { ownerRefusalAsDashboardError } from './dashboardBackend';
import { logError } from '../runLensLog';

/** VS Code can open editors, diffs and files: every host action works here. */
export const vscodeHost: HostInfo = { kind: 'vscode', hostActions: true };

/** Answers one request from the webview; throws DashboardError (or store errors) to answer an error. */
export type RequestHandler = (request: RequestMessage, host: WebviewHost) => Promise<unknown>;

/** A request the host has answered, for whoever watches (tests, logs). */
export interface AnsweredRequest {
  readonly method: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface WebviewHostOptions {
  readonly panel: vscode.WebviewPanel;
  readonly extensionUri: vscode.Uri;
  readonly state: DashboardState;
  readonly handleRequest: RequestHandler;
}

/** Where the front end's bundles are: the only folder the webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** What every dashboard panel is created with. Hidden panels are dropped and rebuilt from their state. */
export function webviewPanelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)], retainContextWhenHidden: false };
}

/**
 * The one webview host: owns a dashboard panel's HTML shell and its Content Security Policy, the
 * ready handshake (everything sent before the webview's script says `ready` waits in a queue), and
 * the transport (postMessage with the protocol's envelopes). Requests go to `handleRequest`; each
 * gets exactly one response. The panel's current state (what the webview reports) is kept here for
 * titles, live updates and restoring.
 */
export class WebviewHost extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private ready = false;
  private readonly queue: Message[] = [];
  private currentState: DashboardState;
  /** The name the webview reported for what it shows; the panels make the tab title of it. */
  private reportedName: string | undefined;
  private readonly answered = this.register(new vscode.EventEmitter<AnsweredRequest>());
  /** Fires after each response is posted. */
  readonly onDidAnswer = this.answered.event;
  private readonly stateChanged = this.register(new vscode.EventEmitter<DashboardState>());
  readonly onDidChangeState = this.stateChanged.event;
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.closed.event;

  constructor(private readonly options: WebviewHostOptions) {
    super();
    this.panel = options.panel;
    this.currentState = options.state;
    const webview = this.panel.webview;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(options.extensionUri)] };
    this.register(webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(this.panel.onDidDispose(() => this.dispose()));
    // Hidden, the webview is dropped (retainContextWhenHidden is off); shown again, its page loads
    // anew from the saved state and says ready again. Until then, messages wait.
    this.register(
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
    );
    webview.html = this.html(options.state);
  }

  /**
   * Closing the panel (the user, or VS Code) disposes the host, and disposing the host closes its
   * panel: either way the panels list hears of it once, and never keeps a host whose panel is gone.
   */
  override dispose(): void {
    if (this.isDisposed) return;
    this.closed.fire();
    super.dispose();
    this.panel.dispose();
  }

  get state(): DashboardState {
    return this.currentState;
  }

  /** What the panel shows, by the name its webview reported, for its tab title. */
  get titled(): TitledDashboard {
    return { state: this.currentState, ...(this.reportedName === undefined ? {} : { name: this.reportedName }) };
  }

  /** Whether the webview's script has loaded and said so. */
  get isReady(): boolean {
    return this.ready;
  }

  notify<P>(type: NotificationType<P>, params: P): void {
    this.post(type.notification(params));
  }

  /** Points the panel at another dashboard without rebuilding it. */
  show(state: DashboardState): void {
    this.currentState = state;
    this.reportedName = undefined;
    this.stateChanged.fire(state);
    this.notify(ShowDashboardNotification, { state, host: vscodeHost });
  }

  private html(state: DashboardState): string {
    const webview = this.panel.webview;
    const root = webviewRoot(this.options.extensionUri);
    return dashboardHtml({
      resourceSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dashboard.css')).toString(),
      bootstrap: { page: 'dashboard', state, host: vscodeHost },
      connectSource: "'none'",
    }).html;
  }

  private post(message: Message): void {
    if (!this.ready) {
      // A page that loads fetches everything fresh: change notifications meant for the old one are moot.
      if (!RunsChangedNotification.is(message)) this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private async receive(message: unknown): Promise<void> {
    if (ReadyNotification.is(message)) {
      // Each load of the page (first open, shown again after hiding, reload) starts with ready.
      this.ready = true;
      for (const queued of this.queue.splice(0)) void this.panel.webview.postMessage(queued);
      return;
    }
    if (StateChangedNotification.is(message)) {
      const { state, title } = message.params ?? {};
      if (!isDashboardState(state)) return;
      this.currentState = state;
      if (typeof title === 'string' && title.trim() !== '') this.reportedName = title;
      this.stateChanged.fire(state);
      return;
    }
    if (isRequestMessage(message)) await this.answer(message);
  }

  private async answer(request: RequestMessage): Promise<void> {
    let reply: Message;
    let error: string | undefined;
    try {
      reply = successResponse(request.id, await this.options.handleRequest(request, this));
    } catch (failure) {
      const responseError = toResponseError(ownerRefusalAsDashboardError(failure));
      if (responseError.code === 'internal') logError(`Dashboards: ${request.method} failed`, failure);
      error = responseError.message;
      reply = errorResponse(request.id, responseError);
    }
    if (this.isDisposed) return;
    // Responses are never queued: the webview asked, so it is listening.
    void this.panel.webview.postMessage(reply);
    this.answered.fire({ method: request.method, ok: error === undefined, ...(error === undefined ? {} : { error }) });
  }
}
