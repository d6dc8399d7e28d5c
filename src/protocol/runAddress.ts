/**
 * How the dashboards name a run or an experiment of a remote MLflow server: `<server URL>#<id>`,
 * for example `https://mlflow.example.com#3f2a1c0e…` or `https://mlflow.example.com#12`. The same
 * string travels in requests, in models and in the panel state a reload restores, so a compare may
 * hold local and remote runs side by side. A local id is never of this form (it has no URL scheme
 * and no `#`), so a plain id is always the workspace's.
 */
export interface RemoteAddress {
  /** The server's normalized URL (no trailing slash, no fragment), as the remote servers setting keeps it. */
  readonly serverUrl: string;
  /** The run's or experiment's id on that server. */
  readonly id: string;
}

const addressPattern = /^(https?:\/\/[^#\s]+)#([^#]+)$/;

export function remoteAddress(serverUrl: string, id: string): string {
  return `${serverUrl}#${id}`;
}

/** The server and id of a remote address; undefined for a local id. */
export function parseRemoteAddress(value: string): RemoteAddress | undefined {
  const match = addressPattern.exec(value);
  return match ? { serverUrl: match[1], id: match[2] } : undefined;
}

export function isRemoteAddress(value: string): boolean {
  return addressPattern.test(value);
}
