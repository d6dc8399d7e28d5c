import type { ArtifactStore } from '../core/store/artifactStore';
import type { ModelRegistry } from '../core/store/modelRegistry';
import type { TrackingStore } from '../core/store/trackingStore';

export interface ServerOptions {
  readonly store: TrackingStore;
  readonly registry: ModelRegistry;
  readonly artifacts: ArtifactStore;
  /** The bearer token every request must carry. */
  readonly token: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Loopback only; 127.0.0.1 by default. */
  readonly host?: string;
}

export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT`, the value for MLFLOW_TRACKING_URI. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the MLflow-compatible tracking server. */
export declare function startServer(options: ServerOptions): Promise<RunningServer>;
