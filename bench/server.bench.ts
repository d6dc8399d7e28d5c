// The tracking server's rows of DESIGN.md's budget table, measured end to end: a keep-alive HTTP
// client on loopback, the real server, the durable store (journal flushed before each reply).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { startServer, type RunningServer } from '../src/server/server';
import { type BenchRow, formatCount, formatMs, median, percentile, progress, type Tasks } from './benchKit';

const roundTrips = 3000;
const batchRepeats = 50;
const sustainedSeconds = 5;
const historyPoints = 25_000;
const searchRuns = 10_000;
const readRepeats = 30;

/** Every figure here is taken in the one process; the harness's shape still asks for the export. */
export const tasks: Tasks = {};

export async function measure(): Promise<readonly BenchRow[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-server-'));
  const store = await WorkspaceStore.open(path.join(root, '.runlens'));
  const token = randomBytes(24).toString('base64url');
  const server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token });
  const client = new BenchClient(server, token);
  try {
    return [
      ...(await logMetricRows(client)),
      ...(await logBatchRows(client)),
      ...(await historyRows(client)),
      ...(await searchRows(client, store)),
    ];
  } finally {
    client.close();
    await server.close();
    store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function logMetricRows(client: BenchClient): Promise<BenchRow[]> {
  progress(`server: ${formatCount(roundTrips)} log-metric round trips`);
  const runId = await client.newRun('log-metric');
  const times: number[] = [];
  for (let step = 0; step < roundTrips + 200; step++) {
    const ms = await client.timed('runs/log-metric', { run_id: runId, key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step });
    if (step >= 200) times.push(ms); // the first requests warm the JIT and the connection up
  }
  return [
    {
      what: 'runs/log-metric round trip, one keep-alive client (p50)',
      figure: `${formatMs(median(times))} (p90 ${formatMs(percentile(times, 90))}, p99 ${formatMs(percentile(times, 99))})`,
      budget: 'p50 <= 0.5 ms',
      ok: median(times) <= 0.5,
    },
  ];
}

async function logBatchRows(client: BenchClient): Promise<BenchRow[]> {
  progress(`server: log-batch of 1,000 metrics, then ${sustainedSeconds} s of sustained log-batch`);
  const runId = await client.newRun('log-batch');
  let step = 0;
  const nextBatch = () => {
    const metrics = [];
    for (let s = 0; s < 100; s++, step++) {
      for (let k = 0; k < 10; k++) metrics.push({ key: `metric_${k}`, value: Math.sin(step / 50 + k), timestamp: 1_700_000_000_000 + step, step });
    }
    return { run_id: runId, metrics };
  };
  const times: number[] = [];
  for (let i = 0; i < batchRepeats + 5; i++) {
    const ms = await client.timed('runs/log-batch', nextBatch());
    if (i >= 5) times.push(ms);
  }
  // Back to back for a while, checkpoints and all: what a fast training loop sees.
  let points = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < sustainedSeconds) {
    await client.call('runs/log-batch', nextBatch());
    points += 1000;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const rate = points / elapsed;
  return [
    {
      what: 'runs/log-batch of 1,000 metrics over HTTP (p50)',
      figure: `${formatMs(median(times))} (p90 ${formatMs(percentile(times, 90))})`,
      budget: '<= 5 ms',
      ok: median(times) <= 5,
    },
    {
      what: `sustained ingestion through HTTP log-batch (${formatCount(points)} points in ${sustainedSeconds} s)`,
      figure: `${formatCount(rate)} points/s`,
      budget: '>= 150,000 points/s',
      ok: rate >= 150_000,
    },
  ];
}

async function historyRows(client: BenchClient): Promise<BenchRow[]> {
  progress(`server: metrics/get-history of ${formatCount(historyPoints)} points`);
  const runId = await client.newRun('history');
  for (let first = 0; first < historyPoints; first += 1000) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (first + i + 1), timestamp: 1_700_000_000_000 + first + i, step: first + i }));
    await client.call('runs/log-batch', { run_id: runId, metrics });
  }
  const query = `run_id=${runId}&run_uuid=${runId}&metric_key=loss&max_results=25000`;
  const times: number[] = [];
  const lastByte: number[] = [];
  let count = 0;
  for (let i = 0; i < readRepeats + 3; i++) {
    const start = process.hrtime.bigint();
    const text = await client.getText(`/api/2.0/mlflow/metrics/get-history?${query}`);
    const received = process.hrtime.bigint();
    count = (JSON.parse(text) as { metrics: unknown[] }).metrics.length;
    if (i >= 3) {
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      lastByte.push(Number(received - start) / 1e6);
    }
  }
  if (count !== historyPoints) throw new Error(`get-history returned ${count} points, not ${historyPoints}`);
  return [
    {
      what: `metrics/get-history of ${formatCount(historyPoints)} points, reply parsed by the client (p50)`,
      figure: `${formatMs(median(times))} (to last byte ${formatMs(median(lastByte))}, p90 ${formatMs(percentile(times, 90))})`,
      budget: '<= 15 ms',
      ok: median(times) <= 15,
    },
  ];
}

async function searchRows(client: BenchClient, store: WorkspaceStore): Promise<BenchRow[]> {
  progress(`server: seeding ${formatCount(searchRuns)} runs with params and metrics`);
  const experimentId = store.tracking.createExperiment({ name: 'search-bench' });
  for (let i = 0; i < searchRuns; i++) {
    const run = store.tracking.createRun({ experimentId, runName: `run-${i}`, startTime: 1_700_000_000_000 + i * 1000 });
    store.tracking.logBatch(run.info.run_id, {
      params: [
        { key: 'lr', value: ['0.1', '0.01', '0.001'][i % 3] },
        { key: 'depth', value: String(2 + (i % 8)) },
      ],
      metrics: [
        { key: 'rmse', value: ((i * 7919) % 10_000) / 10_000, timestamp: 1_700_000_000_000 + i, step: 0 },
        { key: 'r2', value: ((i * 104_729) % 10_000) / 10_000, timestamp: 1_700_000_000_000 + i, step: 0 },
      ],
      tags: [{ key: 'team', value: i % 2 ? 'vision' : 'nlp' }],
    });
  }
  progress('server: runs/search with filter and order_by');
  const rows: BenchRow[] = [];
  for (const maxResults of [100, 1000]) {
    const body = {
      experiment_ids: [experimentId],
      filter: "metrics.rmse < 0.5 and params.lr = '0.01'",
      order_by: ['metrics.rmse ASC', 'attributes.start_time DESC'],
      max_results: maxResults,
      run_view_type: 'ACTIVE_ONLY',
    };
    const times: number[] = [];
    let returned = 0;
    for (let i = 0; i < readRepeats + 3; i++) {
      const start = process.hrtime.bigint();
      const reply = (await client.call('runs/search', body)) as { runs?: unknown[] };
      if (i >= 3) times.push(Number(process.hrtime.bigint() - start) / 1e6);
      returned = reply.runs?.length ?? 0;
    }
    rows.push({
      what: `runs/search, filter + 2-key order_by over ${formatCount(searchRuns)} runs, ${formatCount(returned)} returned (p50)`,
      figure: `${formatMs(median(times))} (p90 ${formatMs(percentile(times, 90))})`,
      budget: '<= 50 ms',
      ok: median(times) <= 50,
    });
  }
  return rows;
}

/** One keep-alive connection, as a training script's MLflow client keeps one. */
class BenchClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly host: string;

  constructor(
    private readonly server: RunningServer,
    private readonly token: string,
  ) {
    this.host = `127.0.0.1:${server.port}`;
  }

  async newRun(name: string): Promise<string> {
    const reply = (await this.call('runs/create', { experiment_id: '0', run_name: name, start_time: Date.now() })) as {
      run: { info: { run_id: string } };
    };
    return reply.run.info.run_id;
  }

  /** Milliseconds for one POST, from serializing the body to parsing the reply. */
  async timed(endpoint: string, body: unknown): Promise<number> {
    const start = process.hrtime.bigint();
    await this.call(endpoint, body);
    return Number(process.hrtime.bigint() - start) / 1e6;
  }

  async call(endpoint: string, body: unknown): Promise<unknown> {
    return JSON.parse(await this.send('POST', `/api/2.0/mlflow/${endpoint}`, JSON.stringify(body)));
  }

  /** A GET whose reply the caller parses (and times apart from the transfer). */
  getText(pathAndQuery: string): Promise<string> {
    return this.send('GET', pathAndQuery);
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, urlPath: string, body?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { host: this.host, authorization: `Bearer ${this.token}` };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = request({ host: '127.0.0.1', port: this.server.port, path: urlPath, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${method} ${urlPath}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(text);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
