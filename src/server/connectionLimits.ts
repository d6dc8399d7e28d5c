import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** A request body that sends nothing for this long is cut (its socket closed). */
  readonly bodyIdleMs: number;
  /** Open connections one client address may hold; more are closed at once. */
  readonly maxConnectionsPerClient: number;
}

/**
 * A client that opens connections and never finishes its body would otherwise hold them forever
 * (requestTimeout is 0, since uploads of gigabytes legitimately take long). Two bounds: a body must
 * keep moving (`bodyIdleMs` of silence ends it), and one address holds at most
 * `maxConnectionsPerClient` connections. The MLflow client pools ten per process, so the cap
 * leaves room for many scripts logging at once.
 */
export const defaultConnectionLimits: ConnectionLimits = { bodyIdleMs: 30_000, maxConnectionsPerClient: 256 };

export function capConnections(server: Server, limits: ConnectionLimits): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = socket.remoteAddress ?? '';
    const count = (open.get(client) ?? 0) + 1;
    if (count > limits.maxConnectionsPerClient) {
      socket.destroy();
      return;
    }
    open.set(client, count);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left === 0) open.delete(client);
      else open.set(client, left);
    });
  });
}

/** Cuts the connection when the body of `req` stalls; the timer ends with the body. */
export function watchBodyIdle(req: IncomingMessage, limits: ConnectionLimits): void {
  if (req.complete) return;
  const socket = req.socket;
  const cut = () => socket.destroy();
  socket.setTimeout(limits.bodyIdleMs);
  socket.once('timeout', cut);
  req.once('end', () => {
    socket.setTimeout(0);
    socket.off('timeout', cut);
  });
}
