import { connect } from 'node:net';

export interface RawReply {
  readonly status: number;
  readonly head: string;
  readonly body: string;
  /** Whether the server closed the connection after replying. */
  readonly closed: boolean;
}

/**
 * One request written byte for byte on a fresh socket, for what a well-behaved client cannot send:
 * a missing or foreign Host header, a Content-Length the body never reaches, chunked bodies past a cap.
 * `chunks` are written one after the other (write errors once the server has hung up are expected).
 * Resolves when the server closes the connection, or `settleMs` after the reply head arrived.
 */
export function rawRequest(port: number, head: string, chunks: readonly (string | Buffer)[] = [], settleMs = 300): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const split = received.indexOf('\r\n\r\n');
      const replyHead = split === -1 ? received : received.slice(0, split);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(replyHead)?.[1] ?? 0);
      if (status === 0) reject(new Error(`no HTTP reply (got ${JSON.stringify(received.slice(0, 200))})`));
      else resolve({ status, head: replyHead, body: split === -1 ? '' : received.slice(split + 4), closed });
    };
    socket.on('data', (data) => {
      received += data.toString('latin1');
      if (timer === undefined && received.includes('\r\n\r\n')) timer = setTimeout(() => finish(false), settleMs);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // EPIPE / ECONNRESET while still sending is the server refusing the rest: the reply decides.
    socket.on('error', () => finish(true));
    socket.on('connect', async () => {
      socket.write(head);
      for (const chunk of chunks) {
        if (settled || socket.destroyed) return;
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      }
    });
  });
}

/** An HTTP/1.1 chunked-encoding frame for `data`. */
export function chunk(data: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
}
