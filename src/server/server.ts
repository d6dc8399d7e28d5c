import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, MlflowError } from '../core/errors';
import type { LaunchService } from '../core/launches/launchService';
import type { ArtifactStore } from '../core/store/artifactStore';
import type { ModelRegistry } from '../core/store/modelRegistry';
import type { TrackingStore } from '../core/store/trackingStore';
import type { TraceStore } from '../core/traces/traceStore';
import { readJsonBody } from './body';
import { ChangeFeed } from './changeFeed';
import { capConnections, defaultConnectionLimits, watchBodyIdle, type ConnectionLimits } from './connectionLimits';
import type { DashboardSite } from './dashboardRoutes';
import { sendFailure, sendJson } from './reply';
import { graphqlRoutes } from './graphql/graphqlRoutes';
import { RequestGuard } from './requestGuard';
import type { RequestContext, Route } from './route';
import { Router } from './router';
import { ajaxRoutes } from './routes/ajaxRoutes';
import { withAjaxMirror } from './routes/ajaxMirror';
import { artifactRoutes } from './routes/artifactRoutes';
import { pushJobKind } from './routes/pushRoute';
import { genaiRoutes } from './routes/genaiRoutes';
import { importJobKind } from './routes/guest/guestImportRoutes';
import { guestLaunchRoutes } from './routes/guest/guestLaunchRoutes';
import { guestRoutes } from './routes/guest/guestRoutes';
import { ownerJobRoutes } from './routes/guest/ownerJobRoutes';
import { registryRoutes } from './routes/registryRoutes';
import { traceRoutes } from './routes/traceRoutes';
import { trackingRoutes } from './routes/trackingRoutes';
import { serviceRoutes } from './serviceRoutes';

export interface ServerOptions {
  readonly store: TrackingStore;
  readonly registry: ModelRegistry;
  readonly artifacts: ArtifactStore;
  /** MLflow 3's traces (issue 16). */
  readonly traces: TraceStore;
  /** The bearer token every request must carry. */
  readonly token: string;
  /**
   * RunLens launches: their processes log with tokens of their own, and runs they create carry
   * their capture; a guest window records the launches it starts through the private launch routes.
   */
  readonly launches?: LaunchService;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Loopback only; 127.0.0.1 by default. */
  readonly host?: string;
  /** Cap on a JSON request body in bytes; see `defaultMaxJsonBytes`. */
  readonly maxJsonBytes?: number;
  /** Where failures that are bugs (500s) are reported; console.error by default. */
  readonly log?: (message: string) => void;
  /** Bounds on stalled bodies and connections per client; `defaultConnectionLimits` unless a test narrows them. */
  readonly connectionLimits?: ConnectionLimits;
  /** The dashboards' browser mode (`runlens serve`): its pages and bridge take a session cookie instead of the bearer token. */
  readonly dashboards?: DashboardSite;
  /** Called as each request arrives: a server process that exits when idle counts them. */
  readonly onRequest?: () => void;
}

export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT`, the value for MLFLOW_TRACKING_URI. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * MLflow lets a dataset profile alone reach 16 MiB (MAX_DATASET_PROFILE_SIZE) and a schema 1 MiB,
 * so a log-inputs body can legitimately pass 16 MiB; 32 MiB leaves room for the rest of it.
 */
const defaultMaxJsonBytes = 32 * 1024 * 1024;

const loopbackBindings: Readonly<Record<string, { bind: string; urlHost: string }>> = {
  '127.0.0.1': { bind: '127.0.0.1', urlHost: '127.0.0.1' },
  localhost: { bind: '127.0.0.1', urlHost: '127.0.0.1' },
  '::1': { bind: '::1', urlHost: '[::1]' },
};

const methodsWithJsonBody = new Set(['POST', 'PATCH', 'DELETE', 'PUT']);

/** Starts the MLflow-compatible tracking server. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const binding = loopbackBindings[options.host ?? '127.0.0.1'];
  if (binding === undefined) {
    throw new Error(
      `runlens serves on the loopback interface only: host '${options.host}' is not allowed (use 127.0.0.1, localhost or ::1).`,
    );
  }
  const guard = new RequestGuard(options.token, options.launches);
  const dashboards = options.dashboards;
  const changes = new ChangeFeed(options.store.db);
  // Long work the owner runs for its guests: an import into the store, a push from it.
  const jobs = [
    ownerJobRoutes(importJobKind({ tracking: options.store, artifacts: options.artifacts })),
    ownerJobRoutes(pushJobKind({ tracking: options.store, artifacts: options.artifacts, registry: options.registry })),
  ];
  const router = new Router([
    ...withAjaxMirror([...serviceRoutes, ...trackingRoutes, ...registryRoutes, ...artifactRoutes, ...genaiRoutes, ...ajaxRoutes, ...graphqlRoutes, ...traceRoutes]),
    ...guestRoutes(changes),
    ...guestLaunchRoutes(options.launches),
    ...jobs.flatMap((kind) => kind.routes),
    ...(dashboards ? [signInRoute(dashboards)] : []),
  ]);
  const maxJsonBytes = options.maxJsonBytes ?? defaultMaxJsonBytes;
  const log = options.log ?? ((message: string) => console.error(message));

  const limits = options.connectionLimits ?? defaultConnectionLimits;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    options.onRequest?.();
    watchBodyIdle(req, limits);
    try {
      if (options.dashboards?.handles(splitUrl(req.url ?? '/').pathname)) return await options.dashboards.serve(req, res);
      const caller = guard.check(req.headers);
      const { pathname, search } = splitUrl(req.url ?? '/');
      const match = router.match(req.method ?? '', pathname);
      if (match === undefined) {
        throw new MlflowError(ErrorCode.EndpointNotFound, `No RunLens endpoint for ${req.method} ${pathname}.`);
      }
      const { route, pathParams } = match;
      const context: RequestContext = {
        store: options.store,
        registry: options.registry,
        artifacts: options.artifacts,
        traces: options.traces,
        maxBodyBytes: maxJsonBytes,
        log,
        query: new URLSearchParams(search),
        headers: req.headers,
        pathParams,
        afterReply: (work) => afterReply(res, work),
        ...(caller.launchId !== undefined ? { launchId: caller.launchId } : {}),
        ...(options.launches ? { launches: options.launches } : {}),
        body: route.raw || !methodsWithJsonBody.has(route.method) ? {} : await readJsonBody(req, maxJsonBytes),
        ...(route.raw ? { req, res } : {}),
      };
      // While an import's long write is open, requests wait for it to end: their writes never
      // restart it (Database.writeInSlices) and their reads never see half an import.
      const db = options.store.db;
      if (!route.duringLongWrite) await db.longWriteSettled();
      // A reply acknowledges the request's writes: concurrent requests share one journal flush
      // before their replies (group commit). A raw route replies by itself, so its writes flush as made.
      const result = route.raw ? await route.handler(context) : await db.groupCommit(() => route.handler(context));
      if (!res.headersSent) sendJson(res, 200, result ?? {});
    } catch (error) {
      sendFailure(req, res, error, log);
    }
  };

  // requestTimeout 0: a large upload may take long, as long as its bytes keep coming (watchBodyIdle).
  const server = createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 20_000 }, (req, res) => {
    void handle(req, res);
  });
  capConnections(server, limits);
  // Clients keep connections in a pool for a while; closing idle ones sooner races their next request.
  server.keepAliveTimeout = 65_000;
  await listen(server, options.port ?? 0, binding.bind);
  const port = (server.address() as AddressInfo).port;
  guard.setPort(port);
  return {
    port,
    url: `http://${binding.urlHost}:${port}`,
    close: async () => {
      changes.close();
      // A guest's job still running is cancelled: an import then leaves the store as it was before it.
      await Promise.all(jobs.map((kind) => kind.close()));
      return closeServer(server);
    },
  };
}

/**
 * RunLens's own: a fresh one-time sign-in path for the dashboards, for a holder of the API token
 * (`runlens serve` asks its running twin for one when it is started again on the same folder).
 */
export const signInPath = '/api/2.0/runlens/dashboards/sign-in-code';

function signInRoute(dashboards: DashboardSite): Route {
  return { method: 'POST', path: signInPath, handler: () => ({ path: dashboards.mintSignInPath() }) };
}

/** Runs `work` once, when the reply has been handed to the connection ('finish') or the connection went away ('close'). */
function afterReply(res: ServerResponse, work: () => void): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    work();
  };
  res.once('finish', once);
  res.once('close', once);
}

function splitUrl(url: string): { pathname: string; search: string } {
  const q = url.indexOf('?');
  return q === -1 ? { pathname: url, search: '' } : { pathname: url.slice(0, q), search: url.slice(q + 1) };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Lets requests in flight finish (a write is acknowledged only with its reply), for a while. */
const closeGraceMs = 3000;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), closeGraceMs);
    server.close((error) => {
      clearTimeout(force);
      if (error) reject(error);
      else resolve();
    });
    // Idle keep-alive connections would hold close() open until they time out.
    server.closeIdleConnections();
  });
}
