import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { DashboardError, toResponseError } from '../core/dashboards/dashboardError';
import type { DashboardService } from '../core/dashboards/dashboardService';
import type { TrackingStore } from '../core/store/trackingStore';
import {
  IndexRequest,
  isHostActionMethod,
  isServiceMethod,
  OpenDashboardRequest,
  parseDashboardPath,
  type DashboardBootstrap,
  type HostInfo,
} from '../protocol/dashboards';
import { decodeMessage, encodeMessage, errorResponse, isRequestMessage, successResponse, type RequestMessage } from '../protocol/messages';
import { DashboardAuth } from './dashboards/dashboardAuth';
import { DashboardEvents, type WriteSource } from './dashboards/dashboardEvents';
import { dashboardHtml } from './dashboards/dashboardHtml';
import { watchFromQuery } from './dashboards/dashboardWatch';
import { indexModel } from './dashboards/indexModel';

export interface DashboardSiteOptions {
  /** The server's token: presented once in the URL, then kept as a session cookie. */
  readonly token: string;
  readonly service: DashboardService;
  readonly tracking: TrackingStore;
  /** The store's write hook, which feeds the pages' live updates. */
  readonly writes: WriteSource;
  /** The built front end: dist/webview. */
  readonly webviewDir: string;
  readonly log?: (message: string) => void;
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
 * answers its response, `GET /dashboard-api/events` streams notifications. Everything needs the
 * session cookie that `/?token=…` hands out; the MLflow API beside it keeps its bearer token.
 */
export class DashboardSite {
  private readonly auth: DashboardAuth;
  private readonly events: DashboardEvents;
  private readonly log: (message: string) => void;

  constructor(private readonly options: DashboardSiteOptions) {
    this.auth = new DashboardAuth(options.token);
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
    if (req.method === 'GET' && url.searchParams.has('token')) {
      this.signIn(res, url);
      return;
    }
    if (!this.auth.hasSession(req.headers)) {
      sendPlain(
        res,
        401,
        'Open the dashboards with the address that `runlens serve` printed: it carries the token once and signs this browser in.',
      );
      return;
    }
    if (pathname === bridgePath) {
      if (req.method !== 'POST') return sendPlain(res, 405, 'POST a protocol request here.');
      return this.bridge(req, res);
    }
    if (req.method !== 'GET') return sendPlain(res, 405, 'Only GET is served here.');
    if (pathname === eventsPath) return this.events.attach(res, watchFromQuery(url.searchParams));
    if (pathname.startsWith(staticPrefix)) return this.serveStatic(res, pathname.slice(staticPrefix.length));
    this.servePage(res, url);
  }

  /** `?token=` once: the cookie in exchange, and the same address without the token (out of history and logs). */
  private signIn(res: ServerResponse, url: URL): void {
    if (!this.auth.tokenMatches(url.searchParams.get('token') ?? '')) {
      sendPlain(res, 401, 'This token is not the one `runlens serve` printed.');
      return;
    }
    url.searchParams.delete('token');
    const rest = url.searchParams.toString();
    res.writeHead(303, { ...pageHeaders, 'set-cookie': this.auth.sessionCookie(), location: `${url.pathname}${rest ? `?${rest}` : ''}` });
    res.end();
  }

  private servePage(res: ServerResponse, url: URL): void {
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
