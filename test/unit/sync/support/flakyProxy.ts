import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request: forward it; cut the connection before forwarding; forward
 * it and cut the connection instead of replying (the server acted, the client never hears so);
 * or answer 503 itself.
 */
export type Fault = 'pass' | 'drop-before' | 'drop-after' | 'unavailable';

export interface RequestSeen {
  readonly index: number;
  readonly method: string;
  readonly url: string;
}

export interface FlakyProxy {
  readonly url: string;
  /** How many requests got each treatment. */
  readonly counts: Record<Fault, number>;
  decide: (request: RequestSeen) => Fault;
  close(): Promise<void>;
}

/** An HTTP proxy on loopback in front of a tracking server, failing requests as `decide` says. */
export async function startFlakyProxy(target: string, decide: (request: RequestSeen) => Fault): Promise<FlakyProxy> {
  const { hostname, port } = new URL(target);
  const counts: Record<Fault, number> = { pass: 0, 'drop-before': 0, 'drop-after': 0, unavailable: 0 };
  let index = 0;
  const proxy: { decide: (request: RequestSeen) => Fault } = { decide };
  const server: Server = createServer((req, res) => {
    const fault = proxy.decide({ index: index++, method: req.method ?? '', url: req.url ?? '' });
    counts[fault] += 1;
    if (fault === 'drop-before') {
      req.socket.destroy();
      return;
    }
    if (fault === 'unavailable') {
      req.resume();
      req.on('end', () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "try later"}'));
      return;
    }
    // The server checks that Host names it, so the proxy speaks to it in its own name.
    const upstream = request({ hostname, port, method: req.method, path: req.url, headers: { ...req.headers, host: `${hostname}:${port}` } }, (reply) => {
      if (fault === 'drop-after') {
        reply.resume();
        reply.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    get decide() {
      return proxy.decide;
    },
    set decide(next) {
      proxy.decide = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
