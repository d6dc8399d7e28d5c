import { Agent, request } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly text: string;
  /** The body parsed as JSON (throws when it is not). */
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  /** Serialized with JSON.stringify and sent as application/json. */
  readonly json?: unknown;
  /** Sent as is (takes precedence over `json`). */
  readonly body?: Buffer | string;
  readonly headers?: Record<string, string>;
  /** null sends no Authorization header at all. */
  readonly token?: string | null;
}

/** A small keep-alive HTTP client for tests, talking to one server as the MLflow client does. */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  get(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.request('GET', path, options);
  }

  post(path: string, json: unknown, options: RequestOptions = {}): Promise<Reply> {
    return this.request('POST', path, { ...options, json });
  }

  /** POST to an MLflow endpoint, asserting nothing: `api('runs/create', {...})`. */
  api(endpoint: string, json: unknown = {}): Promise<Reply> {
    return this.post(`/api/2.0/mlflow/${endpoint}`, json);
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    // The path goes out exactly as given: a URL object would resolve `..` and `%2e%2e` itself.
    const { hostname, port } = new URL(this.baseUrl);
    const payload =
      options.body !== undefined ? options.body : options.json !== undefined ? JSON.stringify(options.json) : undefined;
    const headers: Record<string, string | number> = {
      ...(options.json !== undefined && options.body === undefined ? { 'content-type': 'application/json' } : {}),
      ...(payload !== undefined ? { 'content-length': Buffer.byteLength(payload) } : {}),
      ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? this.token}` }),
      ...options.headers,
    };
    return new Promise((resolve, reject) => {
      const req = request({ hostname, port, path, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sockets the pool keeps open between requests (keep-alive). */
  idleSockets(): number {
    return Object.values(this.agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0);
  }

  close(): void {
    this.agent.destroy();
  }
}
