// The push's MLflow REST client against a scripted server on loopback: what it retries, what it
// does not, how it authenticates, and how it spells NaN.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MlflowRestClient, RemoteError, RemoteUnavailableError } from '../../../src/remote/client/mlflowRestClient';
import { hostKey, normalizeServerUrl } from '../../../src/remote/client/remoteServer';

type Script = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

describe('MLflow REST client', () => {
  let server: Server;
  let url: string;
  let script: Script[] = [];
  const seen: Seen[] = [];
  const fast = { retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 10 } };

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const next = script.shift() ?? ((_q, r) => r.end('{}'));
        next(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    script = [];
    seen.length = 0;
  });

  const status = (code: number, body = '', headers: Record<string, string> = {}): Script => (_req, res) => {
    res.writeHead(code, headers).end(body);
  };
  const drop: Script = (req) => req.socket.destroy();

  test('retries 503, 429 (Retry-After) and dropped connections, then succeeds', async () => {
    script = [status(503), status(429, '', { 'retry-after': '0' }), drop, status(200, '{"experiment_id": "4"}')];
    const retries: string[] = [];
    const client = new MlflowRestClient({ url, token: 't0ken' }, { retry: { maxAttempts: 5, baseDelayMs: 2, maxDelayMs: 10 }, onRetry: (e) => retries.push(e.reason) });
    const reply = await client.post<{ experiment_id: string }>('experiments/create', { name: 'x' });
    assert.equal(reply.experiment_id, '4');
    assert.equal(seen.length, 4);
    assert.deepEqual(retries.slice(0, 2), ['HTTP 503', 'HTTP 429']);
    assert.equal(retries.length, 3);
    assert.ok(seen.every((s) => s.headers.authorization === 'Bearer t0ken'));
  });

  test('a client mistake is a RemoteError with MLflow’s code, not retried', async () => {
    script = [status(400, '{"error_code": "INVALID_PARAMETER_VALUE", "message": "bad name"}')];
    const client = new MlflowRestClient({ url }, fast);
    await assert.rejects(client.post('experiments/create', {}), (error: unknown) => RemoteError.is(error, 'INVALID_PARAMETER_VALUE') && error.status === 400 && /bad name/.test(error.message));
    assert.equal(seen.length, 1);
    script = [status(404, '<html>not found</html>')];
    await assert.rejects(client.get('experiments/get', { experiment_id: '1' }), (error: unknown) => RemoteError.is(error, 'HTTP_404'));
  });

  test('gives up after the bounded attempts, with what went wrong last', async () => {
    script = [status(502), status(502), status(502), status(502), status(502)];
    const client = new MlflowRestClient({ url }, fast);
    await assert.rejects(client.get('runs/get', { run_id: 'r' }), (error: unknown) => RemoteUnavailableError.is(error) && /failed 4 times; last: HTTP 502/.test((error as Error).message));
    assert.equal(seen.length, 4);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new MlflowRestClient({ url: `http://127.0.0.1:${port}` }, fast);
    await assert.rejects(unreachable.get('runs/get'), (error: unknown) => RemoteUnavailableError.is(error) && /ECONNREFUSED/.test((error as Error).message));
  });

  test('a request that hangs times out and is retried', async () => {
    script = [() => undefined, status(200, '{}')];
    const client = new MlflowRestClient({ url }, { ...fast, timeoutMs: 150 });
    const reasons: string[] = [];
    await client.post('runs/update', {}).then(() => undefined);
    assert.equal(seen.length, 2);
    script = [() => undefined, () => undefined, () => undefined, () => undefined];
    const patient = new MlflowRestClient({ url }, { ...fast, timeoutMs: 100, onRetry: (e) => reasons.push(e.reason) });
    await assert.rejects(patient.post('runs/update', {}), /timed out/);
    assert.deepEqual(reasons, ['timed out', 'timed out', 'timed out']);
  });

  test('sends NaN and the infinities as proto3 JSON strings, and reads bare ones in replies', async () => {
    script = [status(200, '{"metrics": [{"key": "a", "value": NaN}, {"key": "b", "value": -Infinity}]}')];
    const client = new MlflowRestClient({ url, username: 'ana', password: 'secret' }, fast);
    const reply = await client.post<{ metrics: { value: string }[] }>('runs/log-batch', { metrics: [{ key: 'a', value: NaN }, { key: 'b', value: Infinity }, { key: 'c', value: -Infinity }, { key: 'd', value: 1.5 }] });
    assert.deepEqual(reply.metrics.map((m) => m.value), ['NaN', '-Infinity']);
    const sent = JSON.parse(seen[0].body.toString()) as { metrics: { value: unknown }[] };
    assert.deepEqual(sent.metrics.map((m) => m.value), ['NaN', 'Infinity', '-Infinity', 1.5]);
    assert.equal(seen[0].headers.authorization, `Basic ${Buffer.from('ana:secret').toString('base64')}`);
    assert.equal(seen[0].headers['content-type'], 'application/json');
  });

  test('uploads stream with their length, opened again for a retry', async () => {
    script = [drop, status(200, '{}')];
    let opened = 0;
    const bytes = Buffer.from('a'.repeat(70_000));
    const client = new MlflowRestClient({ url }, fast);
    await client.uploadArtifact('1/abc/artifacts/dir with space/f.bin', async () => {
      opened += 1;
      return { size: bytes.length, stream: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]) };
    });
    assert.equal(opened, 2);
    const upload = seen[seen.length - 1];
    assert.equal(upload.method, 'PUT');
    assert.equal(upload.url, '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/dir%20with%20space/f.bin');
    assert.equal(upload.headers['content-length'], String(bytes.length));
    assert.deepEqual(upload.body, bytes);
  });

  test('a cancelled push stops waiting between retries at once', async () => {
    script = [status(503), status(503)];
    const controller = new AbortController();
    const client = new MlflowRestClient({ url }, { retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 }, signal: controller.signal, onRetry: () => controller.abort() });
    const started = Date.now();
    await assert.rejects(client.get('runs/get'), (error: Error) => error.name === 'AbortError');
    assert.ok(Date.now() - started < 5000);
  });

  test('server URLs are normalized and named for tag keys', () => {
    assert.equal(normalizeServerUrl('http://127.0.0.1:5000/'), 'http://127.0.0.1:5000');
    assert.equal(hostKey('http://127.0.0.1:5000'), '127.0.0.1_5000');
    assert.equal(hostKey('https://mlflow.example.com/team/tracking/'), 'mlflow.example.com_443_team_tracking');
    assert.throws(() => normalizeServerUrl('ftp://x'), /not an http\(s\) URL/);
    assert.throws(() => normalizeServerUrl('http://user:pw@x'), /credentials/);
    assert.throws(() => normalizeServerUrl('nonsense'), /not a URL/);
  });
});
