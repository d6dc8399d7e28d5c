import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { DashboardError, toResponseError } from '../dashboards/dashboardError';
import type { DashboardService } from '../dashboards/dashboardService';
import type { TrackingStore } from '../core/store/trackingStore';
import { pageKeyHeader, pageKeyParameter, signInCodeParameter, type DashboardBootstrap } from '../protocol/dashboards/bootstrap';
import { OpenDashboardRequest } from '../protocol/dashboards/hostActions';
import { IndexRequest } from '../protocol/dashboards/indexPage';
import { isHostActionMethod, isServiceMethod } from '../protocol/dashboards/methods';
import type { HostInfo } from '../protocol/dashboards/notifications';
import { parseDashboardPath } from '../protocol/dashboards/routing';
import { decodeMessage, encodeMessage, errorResponse, isRequestMessage, successResponse, type RequestMessage } from '../protocol/messages';
import { DashboardAuth, signInCodeSeconds } from './dashboards/dashboardAuth';
import { DashboardEvents, type WriteSource } from './dashboards/dashboardEvents';
import { dashboardHtml } from './dashboards/dashboardHtml';
import { watchFromQuery } from './dashboards/dashboardWatch';
import { indexModel } from './dashboards/indexModel';

export interface DashboardSiteOptions {
  readonly service: DashboardService;
  readonly tracking: TrackingStore;
  /** The store's write hook, which feeds the pages' live updates. */
  readonly writes: WriteSource;
  /** The built front end: dist/webview. */
  readonly webviewDir: string;
  readonly log?: (message: string) => void;
  /** The clock of codes and sessions (tests move it). */
  readonly now?: () => number;
}

const browserHost: HostInfo = { kind: 'browser', hostActions: false };
const bridgePath = '/dashboard-api';
const eventsPath = '/dashboard-api/events';
const staticPrefix = '/webview/';
const maxBridgeBytes = 4 * 1024 * 1024;
/** Bundle files only: no folders, no dots but the extension's. */
const staticFile = /^[A-Za-z0-9_-]+\.(js|css|map)$/;
const contentTypes: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
};
const pageHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/**
 * The browser mode of `runlens serve`: the same dashboards as in VS Code, at http://127.0.0.1:PORT/.
 * Pages (`/`, `/run/<id>`, `/experiment/<id>`, `/compare?run=…`, `/trace/<id>`) are the webview's HTML shell and
 * bundles; the bridge replaces postMessage: `POST /dashboard-api` carries one protocol request and
 * answers its response, `GET /dashboard-api/events` streams notifications. Who gets in is
 * DashboardAuth's business: a one-time sign-in code (`/?code=…`, from `mintSignInCode`), then a
 * session cookie for pages and the session's page key beside it for the bridge and the stream.
 * The MLflow API beside them keeps its bearer token.
 */
export class DashboardSite {
  private readonly auth: DashboardAuth;
  private readonly events: DashboardEvents;
  private readonly log: (message: string) => void;

  constructor(private readonly options: DashboardSiteOptions) {
    this.auth = new DashboardAuth(options.now);
    this.log = options.log ?? ((message) => console.error(message));
    this.events = new DashboardEvents(options.writes, () => options.service.changeTracker(), this.log);
  }

  /** Whether a path belongs to the dashboards (everything else is the MLflow API's). */
  handles(pathname: string): boolean {
    return (
      pathname === '/' ||
      pathname === '/compare' ||
      pathname === '/favicon.ico' ||
      pathname === bridgePath ||
      pathname === eventsPath ||
      pathname.startsWith('/run/') ||
      pathname.startsWith('/experiment/') ||
      pathname.startsWith('/trace/') ||
      pathname.startsWith(staticPrefix)
    );
  }

  /** How many pages listen for live updates (for tests). */
  get listeners(): number {
    return this.events.clientCount;
  }

  /** Answers the request; never throws. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      this.log(`runlens dashboards: ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (res.headersSent) res.destroy();
      else sendPlain(res, 500, 'RunLens could not answer this request; the server log says why.');
    }
  }

  /** A sign-in path, `/?code=…`, that opens the dashboards once within `signInCodeSeconds`. */
  mintSignInPath(): string {
    return `/?${signInCodeParameter}=${this.auth.mintCode()}`;
  }

  /** Ends the pages' event streams, so the server can close without waiting for them. */
  close(): void {
    this.events.close();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.auth.hostAllowed(req)) {
      sendPlain(res, 403, 'This server answers only to 127.0.0.1, localhost or [::1] with its port.');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { pathname } = url;
    if (pathname === '/favicon.ico') {
      res.writeHead(204, pageHeaders).end();
      return;
    }
    if (req.method === 'GET' && url.searchParams.has(signInCodeParameter)) {
      this.signIn(req, res, url);
      return;
    }
    if (!this.auth.hasSession(req)) return sendPlain(res, 401, signInAgain);
    if (pathname === bridgePath) {
      if (req.method !== 'POST') return sendPlain(res, 405, 'POST a protocol request here.');
      if (!this.auth.hasSessionAndKey(req, headerValue(req.headers[pageKeyHeader]))) return sendPlain(res, 401, signInAgain);
      return this.bridge(req, res);
    }
    if (req.method !== 'GET') return sendPlain(res, 405, 'Only GET is served here.');
    if (pathname === eventsPath) {
      if (!this.auth.hasSessionAndKey(req, url.searchParams.get(pageKeyParameter) ?? undefined)) return sendPlain(res, 401, signInAgain);
      return this.events.attach(res, watchFromQuery(url.searchParams));
    }
    if (pathname.startsWith(staticPrefix)) return this.serveStatic(res, pathname.slice(staticPrefix.length));
    this.servePage(res, url);
  }

  /**
   * `?code=` once: a new session. The answer is the page itself, not a redirect (so there is no
   * redirect to aim elsewhere), carrying the session's cookie and, in its bootstrap, the page key;
   * the script then takes the code out of the address bar.
   */
  private signIn(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const session = this.auth.signIn(url.searchParams.get(signInCodeParameter) ?? '');
    if (session === undefined) {
      sendPlain(res, 401, `This sign-in address was used already or is more than ${signInCodeSeconds} seconds old. ${freshAddress}`);
      return;
    }
    this.servePage(res, url, { pageKey: session.pageKey, cookie: this.auth.sessionCookie(req, session.sessionId) });
  }

  private servePage(res: ServerResponse, url: URL, signedIn?: { pageKey: string; cookie: string }): void {
    let bootstrap: DashboardBootstrap;
    if (url.pathname === '/') {
      bootstrap = { page: 'index', host: browserHost };
    } else {
      const state = parseDashboardPath(url.pathname, url.searchParams);
      if (state === undefined) {
        sendPlain(res, 404, 'No dashboard at this address. Dashboards live at /run/<id>, /experiment/<id>, /compare?run=<id>&run=<id> and /trace/<id>.');
        return;
      }
      bootstrap = { page: 'dashboard', state, host: browserHost };
    }
    if (signedIn) bootstrap = { ...bootstrap, pageKey: signedIn.pageKey };
    const theme = url.searchParams.get('theme');
    const { html, csp } = dashboardHtml({
      resourceSource: "'self'",
      scriptUri: `${staticPrefix}dashboard.js`,
      styleUri: `${staticPrefix}dashboard.css`,
      bootstrap,
      connectSource: "'self'",
      palette: theme === 'light' || theme === 'dark' ? theme : 'auto',
    });
    const body = Buffer.from(html, 'utf8');
    res.writeHead(200, {
      ...pageHeaders,
      'content-security-policy': `${csp}; frame-ancestors 'none'`,
      ...(signedIn ? { 'set-cookie': signedIn.cookie } : {}),
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.length,
    });
    res.end(body);
  }

  private async serveStatic(res: ServerResponse, name: string): Promise<void> {
    const match = staticFile.exec(name);
    if (match === null) return sendPlain(res, 404, 'No such file.');
    let body: Buffer;
    try {
      body = await readFile(path.join(this.options.webviewDir, name));
    } catch {
      return sendPlain(res, 404, `No such file: ${name}. Build the front end first (node scripts/build.mjs).`);
    }
    res.writeHead(200, { ...pageHeaders, 'content-type': contentTypes[match[1]], 'content-length': body.length });
    res.end(body);
  }

  private async bridge(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A cross-site page cannot send this content type without a preflight, which is never granted;
    // with SameSite=Strict on the cookie this is the second lock on the door.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendPlain(res, 415, 'The bridge takes application/json.');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      return sendPlain(res, 403, 'Requests from other origins are refused.');
    }
    const text = await readBody(req, maxBridgeBytes);
    if (text === undefined) {
      // The rest of the body is never read: close the connection after the reply instead of draining it.
      res.setHeader('connection', 'close');
      return sendPlain(res, 413, `A bridge request is at most ${maxBridgeBytes} bytes.`);
    }
    let message: unknown;
    try {
      message = decodeMessage(text);
    } catch {
      return sendPlain(res, 400, 'The body is not JSON.');
    }
    if (!isRequestMessage(message)) return sendPlain(res, 400, 'The body is not a protocol request.');
    const reply = await this.answer(message);
    const body = Buffer.from(encodeMessage(reply), 'utf8');
    res.writeHead(200, { ...pageHeaders, 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  }

  private async answer(request: RequestMessage) {
    try {
      return successResponse(request.id, await this.dispatch(request));
    } catch (error) {
      const failure = toResponseError(error);
      if (failure.code === 'internal') this.log(`runlens dashboards: ${request.method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return errorResponse(request.id, failure);
    }
  }

  private dispatch(request: RequestMessage): unknown {
    const { method, params } = request;
    if (isServiceMethod(method)) return this.options.service.handle(method, params);
    if (IndexRequest.is(request)) return indexModel(this.options.tracking);
    if (isHostActionMethod(method) || OpenDashboardRequest.is(request)) {
      throw new DashboardError('unavailable', `Not available in the browser: ${method} needs VS Code.`);
    }
    throw new DashboardError('invalidParams', `Unknown dashboard request: ${method}.`);
  }
}

const freshAddress =
  'Press Enter in the terminal of `runlens serve` (or run `runlens serve` again on the same folder) for a fresh sign-in address.';
const signInAgain = `Sign in to the dashboards with the address that \`runlens serve\` printed; it works once, for ${signInCodeSeconds} seconds. ${freshAddress}`;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sendPlain(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...pageHeaders, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

/** The body as text, or undefined past `maxBytes` (the rest is left unread). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', reject);
  });
}
