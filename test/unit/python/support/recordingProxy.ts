import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the proxy saw, as the client sent it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** The body parsed as JSON, when it was JSON. */
  readonly json?: unknown;
  /** Milliseconds since the proxy started. */
  readonly at: number;
}

/** What the proxy answers itself instead of forwarding (a fault to inject); undefined forwards. */
export type Interceptor = (request: ProxiedRequest) => { status: number; body?: string; headers?: Record<string, string> } | undefined;

/**
 * A real HTTP proxy on loopback in front of a tracking server: it records every request the Python
 * helper sends, can answer some itself (a 503, a 400), and can stop listening for a while (a restart).
 */
export class RecordingProxy {
  readonly requests: ProxiedRequest[] = [];
  intercept: Interceptor = () => undefined;
  private readonly started = Date.now();
  private server: Server;

  private constructor(
    private readonly target: string,
    private port: number,
  ) {
    this.server = this.makeServer();
  }

  static async start(target: string): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(target, 0);
    await proxy.listen();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops accepting connections on the port: clients see "connection refused" until `resume`. */
  async pause(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async resume(): Promise<void> {
    this.server = this.makeServer();
    await this.listen();
  }

  close(): Promise<void> {
    return this.pause();
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private makeServer(): Server {
    return createServer((request, response) => {
      void this.handle(request).then(
        ({ status, headers, body }) => response.writeHead(status, headers).end(body),
        (error: unknown) => response.writeHead(502).end(String(error)),
      );
    });
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', this.target);
    const contentType = request.headers['content-type'];
    let json: unknown;
    if (contentType?.startsWith('application/json') && body.length > 0) json = JSON.parse(body.toString('utf8'));
    const seen: ProxiedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(contentType ? { contentType } : {}),
      ...(json === undefined ? {} : { json }),
      at: Date.now() - this.started,
    };
    this.requests.push(seen);
    const fault = this.intercept(seen);
    if (fault) {
      return { status: fault.status, headers: { 'content-type': 'application/json', ...fault.headers }, body: Buffer.from(fault.body ?? '{}') };
    }
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const forwarded = await fetch(new URL(request.url ?? '/', this.target), {
      method: seen.method,
      headers,
      body: body.length > 0 ? body : undefined,
    });
    return {
      status: forwarded.status,
      headers: { 'content-type': forwarded.headers.get('content-type') ?? 'application/octet-stream' },
      body: Buffer.from(await forwarded.arrayBuffer()),
    };
  }
}
