import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One exchange recorded in front of a real MLflow server (test/fixtures/mlflow-3.6-remote). */
export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly req_body: unknown;
  readonly status: number;
  readonly resp_body: unknown;
}

/**
 * A loopback server that answers with what a real MLflow server answered: a request is matched on
 * method, path, query and JSON body (key order aside). A request that was never recorded gets a
 * 404 and is listed in `unmatched`, so a test sees RunLens ask something the recording lacks; while
 * `down` is set, every connection is dropped, as a server that is restarting would.
 */
export interface ReplayServer {
  readonly url: string;
  readonly exchanges: readonly RecordedExchange[];
  readonly unmatched: string[];
  /** Requests answered, by key, in order. */
  readonly served: string[];
  down: boolean;
  close(): Promise<void>;
}

export function loadExchanges(file: string): RecordedExchange[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedExchange);
}

export async function startReplayServer(exchanges: readonly RecordedExchange[]): Promise<ReplayServer> {
  const replies = new Map<string, RecordedExchange>();
  for (const exchange of exchanges) replies.set(keyOf(exchange.method, exchange.path, exchange.query, exchange.req_body), exchange);
  const state = { down: false };
  const unmatched: string[] = [];
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://replay');
      const text = Buffer.concat(chunks).toString('utf8');
      const key = keyOf(req.method ?? 'GET', url.pathname, Object.fromEntries(url.searchParams), text === '' ? null : (JSON.parse(text) as unknown));
      const exchange = replies.get(key);
      if (exchange === undefined) {
        unmatched.push(key);
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'NOT_RECORDED', message: `not in the recording: ${key}` }));
        return;
      }
      served.push(key);
      res.writeHead(exchange.status, { 'content-type': 'application/json' }).end(JSON.stringify(exchange.resp_body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    unmatched,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function keyOf(method: string, path: string, query: Readonly<Record<string, string>>, body: unknown): string {
  const sortedQuery = Object.keys(query)
    .sort()
    .map((name) => `${name}=${query[name]}`)
    .join('&');
  return `${method} ${path}?${sortedQuery} ${canonical(body)}`;
}

/** JSON with object keys sorted, so that two equal bodies give one string. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
