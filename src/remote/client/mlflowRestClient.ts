import { Readable } from 'node:stream';
import { defaultRetryPolicy, isRetryableStatus, retryDelay, sleep, type RetryPolicy } from './retryPolicy';
import { normalizeServerUrl, type RemoteServer } from './remoteServer';

/** The server answered, with an error of its own (MLflow's `{error_code, message}` when it sends one). */
export class RemoteError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(`${endpoint}: ${status} ${errorCode}: ${message}`);
    this.name = 'RemoteError';
  }

  static is(error: unknown, errorCode?: string): error is RemoteError {
    return error instanceof RemoteError && (errorCode === undefined || error.errorCode === errorCode);
  }
}

/** The server could not be reached, or kept failing, through every retry: try again later. */
export class RemoteUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteUnavailableError';
  }

  static is(error: unknown): error is RemoteUnavailableError {
    return error instanceof RemoteUnavailableError;
  }
}

export interface RestClientOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** For one API request, reply included; 60 s by default. */
  readonly timeoutMs?: number;
  /** For one artifact upload; 10 minutes by default. */
  readonly uploadTimeoutMs?: number;
  /** Aborts whatever is in flight and every wait between retries. */
  readonly signal?: AbortSignal;
  /** Told before each retry (for logs and tests). */
  readonly onRetry?: (event: { readonly endpoint: string; readonly attempt: number; readonly delayMs: number; readonly reason: string }) => void;
}

/** A file to upload; called again for each attempt, since a stream is read once. */
export type UploadBody = () => Promise<{ readonly size: number; readonly stream: Readable }>;

interface Attempt {
  readonly method: string;
  readonly endpoint: string;
  readonly json?: unknown;
  readonly upload?: UploadBody;
  readonly timeoutMs: number;
  /** Requests that create something are sent once: a retry after a lost reply would create it twice. */
  readonly once?: boolean;
}

const apiBase = '/api/2.0/mlflow';
const artifactsBase = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * A small client for MLflow's REST API, over the runtime's fetch (src/core does not use node:http).
 * Connection failures, timeouts, 408, 429 and 5xx are retried with backoff, a bounded number of
 * times; any other non-200 is a RemoteError with MLflow's error code. Metric values are sent as
 * proto3 JSON spells them, so NaN and the infinities survive.
 */
export class MlflowRestClient {
  readonly baseUrl: string;
  readonly retry: RetryPolicy;
  private readonly headers: Record<string, string>;

  constructor(
    server: RemoteServer,
    private readonly options: RestClientOptions = {},
  ) {
    this.baseUrl = normalizeServerUrl(server.url);
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.headers = authorization(server);
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  get<T>(endpoint: string, query: Record<string, string> = {}): Promise<T> {
    const search = new URLSearchParams(query).toString();
    return this.call<T>({ method: 'GET', endpoint: `${apiBase}/${endpoint}${search ? `?${search}` : ''}`, timeoutMs: this.timeout() });
  }

  post<T>(endpoint: string, json: unknown): Promise<T> {
    return this.call<T>({ method: 'POST', endpoint: `${apiBase}/${endpoint}`, json, timeoutMs: this.timeout() });
  }

  /**
   * A POST that creates something, sent once: a transient failure is a RemoteUnavailableError
   * and the caller looks for what it may have created before trying again (see createOnce).
   */
  postOnce<T>(endpoint: string, json: unknown): Promise<T> {
    return this.call<T>({ method: 'POST', endpoint: `${apiBase}/${endpoint}`, json, timeoutMs: this.timeout(), once: true });
  }

  patch<T>(endpoint: string, json: unknown): Promise<T> {
    return this.call<T>({ method: 'PATCH', endpoint: `${apiBase}/${endpoint}`, json, timeoutMs: this.timeout() });
  }

  /** The entries directly inside a folder of the server's artifact store (names relative to it). */
  async listArtifacts(folder: string): Promise<{ path: string; is_dir: boolean; file_size?: number }[]> {
    const reply = await this.call<{ files?: { path: string; is_dir?: boolean; file_size?: number | string }[] }>({
      method: 'GET',
      endpoint: `${artifactsBase}?${new URLSearchParams({ path: folder })}`,
      timeoutMs: this.timeout(),
    });
    return (reply.files ?? []).map((file) => ({
      path: file.path.split('/').pop() ?? file.path,
      is_dir: file.is_dir === true,
      ...(file.file_size === undefined ? {} : { file_size: Number(file.file_size) }),
    }));
  }

  /** PUTs one file into the server's artifact store (`mlflow-artifacts`), streamed, with its length. */
  async uploadArtifact(artifactPath: string, body: UploadBody): Promise<void> {
    const encoded = artifactPath.split('/').map(encodeURIComponent).join('/');
    await this.call({ method: 'PUT', endpoint: `${artifactsBase}/${encoded}`, upload: body, timeoutMs: this.options.uploadTimeoutMs ?? 600_000 });
  }

  /**
   * Opens one artifact file for reading, streamed, with its size when the server tells it. A file
   * the server proxies (`mlflow-artifacts`) is read by its path below the server's artifact root;
   * otherwise through MLflow's `get-artifact` route, by run and path. Tried once: a stream cannot be
   * resumed, and the reader shows a failure at once.
   */
  async download(file: { readonly artifactPath: string } | { readonly runId: string; readonly path: string }): Promise<{ size?: number; stream: Readable }> {
    const endpoint =
      'artifactPath' in file
        ? `${artifactsBase}/${file.artifactPath.split('/').map(encodeURIComponent).join('/')}`
        : `/get-artifact?${new URLSearchParams({ path: file.path, run_uuid: file.runId })}`;
    const timeout = AbortSignal.timeout(this.options.uploadTimeoutMs ?? 600_000);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${endpoint}`, {
        headers: this.headers,
        signal: this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new RemoteUnavailableError(`GET ${this.baseUrl}${endpoint.split('?')[0]} failed 1 times; last: ${describe(error)}`);
    }
    if (response.status !== 200 || response.body === null) {
      const text = await response.text();
      if (isRetryableStatus(response.status)) {
        throw new RemoteUnavailableError(`GET ${this.baseUrl}${endpoint.split('?')[0]} failed 1 times; last: HTTP ${response.status}`);
      }
      throw remoteError(endpoint, response.status, text);
    }
    const length = Number(response.headers.get('content-length') ?? NaN);
    const stream = Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]);
    return Number.isSafeInteger(length) && length >= 0 ? { size: length, stream } : { stream };
  }

  private timeout(): number {
    return this.options.timeoutMs ?? 60_000;
  }

  private async call<T>(attempt: Attempt): Promise<T> {
    const { signal } = this.options;
    for (let number = 1; ; number += 1) {
      signal?.throwIfAborted();
      let reason: string;
      let retryAfter: string | null = null;
      try {
        const response = await this.send(attempt);
        if (response.status === 200) return parseReply<T>(response.text);
        if (!isRetryableStatus(response.status)) throw remoteError(attempt.endpoint, response.status, response.text);
        reason = `HTTP ${response.status}`;
        retryAfter = response.retryAfter;
      } catch (error) {
        if (error instanceof RemoteError) throw error;
        if (signal?.aborted) throw signal.reason;
        reason = describe(error);
      }
      if (number >= this.retry.maxAttempts || attempt.once) {
        throw new RemoteUnavailableError(`${attempt.method} ${this.baseUrl}${attempt.endpoint.split('?')[0]} failed ${number} times; last: ${reason}`);
      }
      const delayMs = retryDelay(this.retry, number, retryAfter);
      this.options.onRetry?.({ endpoint: attempt.endpoint, attempt: number, delayMs, reason });
      await sleep(delayMs, signal);
    }
  }

  private async send(attempt: Attempt): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const timeout = AbortSignal.timeout(attempt.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { ...this.headers, accept: 'application/json' };
    let body: string | ReadableStream | undefined;
    if (attempt.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = toProtoJson(attempt.json);
    } else if (attempt.upload) {
      const file = await attempt.upload();
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(file.size);
      body = Readable.toWeb(file.stream) as ReadableStream;
    }
    const response = await fetch(`${this.baseUrl}${attempt.endpoint}`, {
      method: attempt.method,
      headers,
      body,
      signal,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') };
  }
}

function authorization(server: RemoteServer): Record<string, string> {
  if (server.token) return { authorization: `Bearer ${server.token}` };
  if (server.username !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${server.username}:${server.password ?? ''}`).toString('base64')}` };
  }
  return {};
}

/** JSON with NaN, Infinity and -Infinity as proto3 JSON strings (JSON.stringify would write null). */
function toProtoJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'number' && !Number.isFinite(item) ? (Number.isNaN(item) ? 'NaN' : item > 0 ? 'Infinity' : '-Infinity') : item,
  );
}

/** An empty 200 is `{}`, as MLflow's client reads it; bare NaN and Infinity (Python's json) are read as strings. */
function parseReply<T>(text: string): T {
  if (text.trim() === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return JSON.parse(text.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"$2"')) as T;
  }
}

function remoteError(endpoint: string, status: number, text: string): RemoteError {
  let code = `HTTP_${status}`;
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error_code?: string; message?: string };
    code = parsed.error_code ?? code;
    message = parsed.message ?? message;
  } catch {
    // Not MLflow's JSON (a proxy's HTML page): keep the start of the body.
  }
  return new RemoteError(endpoint.split('?')[0], status, code, message);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
