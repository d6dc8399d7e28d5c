// The benches' HTTP client of a `runlens serve` process: one request at a time on a keep-alive
// agent, and get-history paged as MLflow's client pages it, timed in two parts.
import http from 'node:http';

export interface Server {
  readonly port: number;
  readonly token: string;
  readonly pid: number;
}

/** A reply's body, when its last byte arrived (ms after the request was sent), and the ms its bytes took to become text. */
interface Answer {
  readonly text: string;
  readonly lastByteMs: number;
  readonly decodeMs: number;
}

function request(server: Server, agent: http.Agent, method: string, requestPath: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: requestPath,
        agent,
        headers: { authorization: `Bearer ${server.token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const lastByte = performance.now();
          const text = Buffer.concat(chunks).toString('utf8');
          const decodeMs = performance.now() - lastByte;
          if (response.statusCode === 200) resolve({ text, lastByteMs: lastByte - sent, decodeMs });
          else reject(new Error(`${method} ${requestPath}: ${response.statusCode} ${text.slice(0, 300)}`));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** One request on `agent`'s connection; rejects on a non-200 answer with its body. */
export async function call(server: Server, agent: http.Agent, method: string, requestPath: string, body?: unknown): Promise<string> {
  return (await request(server, agent, method, requestPath, body)).text;
}

/** MLflow's client asks get-history for pages of this many points. */
export const historyPage = 25_000;

export interface PagedHistory {
  readonly points: number;
  readonly pages: number;
  /** Wall time of the whole paging, as the client sees it. */
  readonly totalMs: number;
  /** Summed over the pages: request sent to last byte received (the server's part, and the loopback). */
  readonly serverMs: number;
  /** Summed over the pages: the client's part, the reply's bytes to UTF-8 text and its JSON.parse. */
  readonly clientMs: number;
}

/** A metric's whole history through get-history, page after page as MLflow's client asks for it. */
export async function getHistoryPaged(server: Server, agent: http.Agent, runId: string, key: string): Promise<PagedHistory> {
  let points = 0;
  let pages = 0;
  let serverMs = 0;
  let clientMs = 0;
  const start = performance.now();
  let pageToken: string | undefined;
  do {
    const query = new URLSearchParams({ run_id: runId, metric_key: key, max_results: String(historyPage), ...(pageToken ? { page_token: pageToken } : {}) });
    const answer = await request(server, agent, 'GET', `/api/2.0/mlflow/metrics/get-history?${query}`);
    const parseStart = performance.now();
    const page = JSON.parse(answer.text) as { metrics?: unknown[]; next_page_token?: string };
    clientMs += answer.decodeMs + performance.now() - parseStart;
    serverMs += answer.lastByteMs;
    points += page.metrics?.length ?? 0;
    pages++;
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return { points, pages, totalMs: performance.now() - start, serverMs, clientMs };
}
