/**
 * What the store keeps about a launch that logs to a remote MLflow server instead of this store
 * (`launches.remote_json`): enough to open its run there, and to know whether its end arrived.
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
}
