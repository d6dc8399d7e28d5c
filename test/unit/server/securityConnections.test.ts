// Issue 13, point 9: stalled bodies and connection floods do not hold the server's sockets.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './support/testServer';

const bodyIdleMs = 400;
const maxConnectionsPerClient = 12;

/** A socket that sent `head` and then nothing; resolves when the server closes it, with what it answered. */
function stall(port: number, head: string): { socket: Socket; closed: Promise<{ afterMs: number; received: string }> } {
  const started = Date.now();
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (data) => (received += data.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('connect', () => socket.write(head));
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.once('close', () => resolve({ afterMs: Date.now() - started, received })));
  return { socket, closed };
}

describe('stalled bodies and connection caps', () => {
  let t: TestServer;

  before(async () => {
    t = await startTestServer({ connectionLimits: { bodyIdleMs, maxConnectionsPerClient } });
  });
  after(() => t.close());

  const bodyHead = (token: string | undefined, length = 100) =>
    `POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\n` +
    `${token ? `Authorization: Bearer ${token}\r\n` : ''}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"name": "st`;

  test('an authenticated body that stops sending is cut once it stays silent', async () => {
    const { closed } = stall(t.server.port, bodyHead(t.token));
    const { afterMs } = await closed;
    assert.ok(afterMs >= bodyIdleMs - 50 && afterMs < bodyIdleMs + 3000, `closed after ${afterMs} ms`);
    assert.equal((await t.client.get('/api/2.0/mlflow/experiments/get-by-name?experiment_name=st')).status, 404, 'nothing of it was applied');
  });

  test('an unauthenticated stalled body gets its 401 and loses the socket', async () => {
    const { closed } = stall(t.server.port, bodyHead(undefined));
    const { received, afterMs } = await closed;
    assert.match(received, /^HTTP\/1\.1 401/);
    assert.ok(afterMs < bodyIdleMs + 3000, `closed after ${afterMs} ms`);
  });

  test('one client holds at most the cap of open connections; the rest are closed at once', async () => {
    const stalls = Array.from({ length: maxConnectionsPerClient + 8 }, () => stall(t.server.port, ''));
    const early = await Promise.all(stalls.map((s) => Promise.race([s.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))])));
    assert.ok(early.filter(Boolean).length >= 8, `${early.filter(Boolean).length} of the extra connections were closed`);
    for (const s of stalls) s.socket.destroy();
    await Promise.all(stalls.map((s) => s.closed));
    // Once they are gone, the client connects again.
    assert.equal((await t.client.get('/health')).status, 200);
  });

  test('a body that keeps moving, however slowly, is read to its end (the control)', async () => {
    const body = JSON.stringify({ name: 'slow but steady' });
    const socket = connect({ host: '127.0.0.1', port: t.server.port });
    let received = '';
    socket.on('data', (data) => (received += data.toString('latin1')));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\nAuthorization: Bearer ${t.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
    );
    for (const char of body) {
      socket.write(char);
      await new Promise((resolve) => setTimeout(resolve, bodyIdleMs / 4));
    }
    const deadline = Date.now() + 5000;
    while (!received.includes('\r\n\r\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.destroy();
    assert.match(received, /^HTTP\/1\.1 200/, received);
  });
});
