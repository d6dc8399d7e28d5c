import { Agent, ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { StoreOperationArgs, StoreOperationName, StoreOperationResult } from '../core/store/storeOperations';
import { storeOperationPrefix } from '../server/routes/guest/guestRoutes';
import type { StoreAccess } from './storeAccess';

/** The owner process's server: its URL and its own token (from owner.json). */
export interface OwnerEndpoint {
  readonly url: string;
  readonly token: string;
}

/** What the owner answered when it refused: MLflow's `{error_code, message}`. */
export class OwnerRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** For a dashboard request: the dashboards' own error code (`invalidFilter`, `notFound`...). */
    readonly dashboardCode?: string,
  ) {
    super(message);
  }
}

/** A bound on one request's silence; the change feed's long poll waits longer (the owner answers it within 25 s). */
const requestTimeoutMs = 30_000;

/**
 * Every request to an owner goes over a few kept-alive loopback connections. The views, the change
 * feed and a launch ask many times a second while a script logs: `fetch` (undici) allocated tens of
 * kilobytes per request, and the extension host's heap grew by ~90 MB over a million logged points
 * (issue 14). An idle connection is closed before the owner's own keep-alive time (65 s) ends it.
 */
const ownerAgent = new Agent({ keepAlive: true, timeout: requestTimeoutMs });

/**
 * A request made with `ClientRequest`, which is what `http.request` does, but not through the
 * extension host's `http.request`: VS Code wraps that for its proxy support and, on every call,
 * reads the `http` settings twice (`getConfiguration`), ~0.2 MB of garbage per request. That was
 * most of what the extension host allocated while a script logged a million points (issue 14), and
 * a loopback request to the owner never goes through a proxy nor needs extra certificates.
 */
function loopbackRequest(url: string, options: Omit<RequestOptions, 'host' | 'hostname' | 'port' | 'path'>, onResponse: (res: IncomingMessage) => void): ClientRequest {
  const target = new URL(url);
  return new ClientRequest({ ...options, hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'), port: target.port, path: `${target.pathname}${target.search}` }, onResponse);
}

/** Sends one request to the owner with its token and returns the parsed JSON reply; throws what it refused with. */
export async function ownerRequest(endpoint: OwnerEndpoint, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
  const { status, text } = await send(`${endpoint.url}${path}`, endpoint.token, body === undefined ? undefined : JSON.stringify(body), signal);
  let reply: unknown;
  try {
    reply = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new OwnerRequestError(status, 'INTERNAL_ERROR', `the RunLens process serving this store answered ${status} with no JSON`);
  }
  if (status < 200 || status > 299) {
    const { error_code: code, message, dashboard_code: dashboardCode } = (reply ?? {}) as { error_code?: string; message?: string; dashboard_code?: string };
    throw new OwnerRequestError(status, code ?? 'INTERNAL_ERROR', message ?? `the RunLens process serving this store answered ${status}`, dashboardCode);
  }
  return reply;
}

/** One HTTP request on the owners' connections: a GET without a body, else a POST of JSON. */
function send(url: string, token: string, json: string | undefined, signal: AbortSignal | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }) };
    const req = loopbackRequest(url, { method: json === undefined ? 'GET' : 'POST', agent: ownerAgent, headers, timeout: requestTimeoutMs, ...(signal ? { signal } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`the RunLens process serving this store did not answer within ${requestTimeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(json);
  });
}

/** The store as another RunLens process serves it: each call is one request to its private route. */
export function ownerAccess(endpoint: OwnerEndpoint, artifactsRoot: string): StoreAccess {
  return {
    artifactsRoot,
    call: async <K extends StoreOperationName>(name: K, args: StoreOperationArgs<K>) => {
      const reply = (await ownerRequest(endpoint, `${storeOperationPrefix}${name}`, args)) as { result: StoreOperationResult<K> };
      return reply.result;
    },
  };
}
