import type { LaunchEnding } from './launchEnding';

/**
 * What the store keeps about a launch that logs to a remote MLflow server instead of this store
 * (`launches.remote_json`): enough to open its run there, to know whether its end arrived, and to
 * send that end later (another session) when it did not.
 */
export interface RemoteLaunchRecord {
  /** The server's name in `runlens.remoteServers`, and its URL. */
  readonly server: string;
  readonly url: string;
  readonly experimentId: string;
  /** The run made on the server before the script started (its MLFLOW_RUN_ID). */
  readonly runId: string;
  /** Every run of the launch on the server known so far, that one first. */
  readonly runIds: readonly string[];
  /** The end (status, tags, files) reached the server. */
  readonly synced: boolean;
  /** Why the end did not reach the server, when it did not. */
  readonly failure?: string;
  /** When the launch began: the runs its process made on the server started at or after it. */
  readonly since?: number;
  /** The script as its process's argv[0], which MLflow's client records as `mlflow.source.name`. */
  readonly scriptPath?: string;
  /**
   * How the process ended, kept from the moment the store recorded it until the end reached the
   * server. A record still unsent without it is a launch whose window ended while the script ran.
   */
  readonly ending?: LaunchEnding;
  /** Nothing is left to send, although the end never arrived: why (the launch never started, or the person chose Forget). */
  readonly dropped?: string;
}

/** The end of a launch, recorded in the store, that has still to reach its server. */
export function isUnsent(record: RemoteLaunchRecord): boolean {
  return !record.synced && record.dropped === undefined;
}
