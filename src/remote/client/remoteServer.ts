/** A remote MLflow tracking server, and how to authenticate to it. */
export interface RemoteServer {
  /** `http(s)://host[:port][/prefix]`, what MLFLOW_TRACKING_URI would be. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN). */
  readonly token?: string;
  /** Basic authentication (MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD), when there is no token. */
  readonly username?: string;
  readonly password?: string;
}

/** The URL without a trailing slash; anything but http(s) is refused. */
export function normalizeServerUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error(`'${url}' is not a URL: give the tracking server as http(s)://host:port`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`'${url}' is not an http(s) URL: RunLens pushes to an MLflow tracking server over HTTP`);
  }
  if (parsed.username || parsed.password) throw new Error('put the credentials in a token or username and password, not in the URL');
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/**
 * A short name for the server in local tag keys (`runlens.sync.<hostKey>.runId`): host, port and
 * path, in the characters MLflow allows in tag keys.
 */
export function hostKey(url: string): string {
  const parsed = new URL(normalizeServerUrl(url));
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  const suffix = parsed.pathname.replace(/^\/+|\/+$/g, '');
  return [parsed.hostname.replace(/^\[|\]$/g, ''), port, suffix]
    .filter((part) => part !== '')
    .join('_')
    .replace(/[^A-Za-z0-9.-]+/g, '_');
}
