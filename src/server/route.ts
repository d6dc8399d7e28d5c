import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LaunchGate } from '../core/launches/launchService';
import type { ArtifactStore } from '../core/store/artifactStore';
import type { ModelRegistry } from '../core/store/modelRegistry';
import type { TrackingStore } from '../core/store/trackingStore';
import type { TraceStore } from '../core/traces/traceStore';

/**
 * One endpoint of the MLflow REST API. Handlers are plain functions of the parsed request that
 * return the JSON reply (`{}` for an empty success) or throw `MlflowError`; the server does the rest
 * (auth, Host check, body parsing and caps, error mapping).
 */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /**
   * Path with `:name` segments, e.g. `/api/2.0/mlflow/logged-models/:modelId`; a last segment
   * `*name` takes the rest of the path, slashes included (artifact paths). Values are percent-decoded.
   */
  readonly path: string;
  readonly handler: Handler;
  /** Raw routes (artifact PUT/GET) take the request and response streams themselves. */
  readonly raw?: boolean;
  /**
   * Answered even while an import's long write holds its transaction open, which every other
   * request waits out: for handlers that touch no store (an import's own progress and cancel).
   */
  readonly duringLongWrite?: boolean;
}

export interface RequestContext {
  readonly store: TrackingStore;
  readonly registry: ModelRegistry;
  readonly artifacts: ArtifactStore;
  readonly traces: TraceStore;
  /** The cap on a request body in bytes, for raw routes that read their own (OTLP). */
  readonly maxBodyBytes: number;
  /** The server's log (stderr unless the owner gave one): for what a reply cannot say. */
  readonly log: (message: string) => void;
  /** The parsed JSON body for POST/PATCH/DELETE, `{}` when there is none. */
  readonly body: Record<string, unknown>;
  readonly query: URLSearchParams;
  /** The request's headers (a few MLflow handlers check Content-Type). */
  readonly headers: IncomingMessage['headers'];
  /** Values of the `:name` segments of the route's path, percent-decoded. */
  readonly pathParams: Readonly<Record<string, string>>;
  /** The RunLens launch whose token the request carried; absent for the server's own token. */
  readonly launchId?: string;
  /** The store's launches, when the server was started with them (the VS Code owner does). */
  readonly launches?: LaunchGate;
  /**
   * Runs `work` once the reply's last byte has been handed to the connection (or the connection
   * closed): for work the request leads to but its reply must not wait for, nor be slowed by.
   */
  readonly afterReply: (work: () => void) => void;
  /** Set for raw routes only. */
  readonly req?: IncomingMessage;
  readonly res?: ServerResponse;
}

export type Handler = (context: RequestContext) => unknown | Promise<unknown>;
