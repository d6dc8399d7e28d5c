// Issue 12's own workload, through the server as users run it: the folder's `runlens serve` process
// (dist/cli.js, started the way the extension starts it), one run logging 10 metrics in HTTP
// log-batches of 1,000 points on one keep-alive connection, while a second connection asks /health
// every 50 ms. Measures what a user would see: the longest /health answer, ingestion per quarter,
// the server process's RSS, get-history paged over REST, bytes on disk per point.
// 1M points by default; `RUNLENS_BENCH_SERVE_SCALE=1M,5M npm run bench -- serveScale` for more.
// Needs the built bundle: `node scripts/build.mjs --production` (or `npm run package`) first.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../src/core/launches/processAlive';
import { ensureServerProcess } from '../src/supervisor/serverProcess';
import { type BenchRow, folderBytes, formatCount, formatMs, progress, type Tasks } from './benchKit';
import { call, getHistoryPaged, historyPage, type PagedHistory, type Server } from './serveClient';

const sizes: Readonly<Record<string, number>> = { '1M': 1_000_000, '2M': 2_000_000, '5M': 5_000_000, '10M': 10_000_000 };
const keys = 10;
const batchPoints = 1000;
const healthEveryMs = 50;
const cliScript = path.join(__dirname, '..', 'dist', 'cli.js');

export const tasks: Tasks = {};

/** CPU seconds process `pid` has used (user + system), from /proc (Linux). */
function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}
/** Linux's USER_HZ, 100 on every platform Node runs on. */
const clockTicksPerSecond = 100;

/** The resident memory of process `pid` in MiB, from /proc (Linux). */
function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

interface ServeResult {
  readonly rates: number[];
  readonly longestHealthMs: number;
  readonly healthAnswers: number;
  readonly peakRssMiB: number;
  /** Points per CPU second of the server process: its rate on an idle machine, whatever else runs. */
  readonly serverCpuRate: number;
  readonly history: PagedHistory;
  readonly bytesPerPoint: number;
}

async function load(server: Server, total: number, storeDir: string): Promise<ServeResult> {
  const logging = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const polling = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const experiment = JSON.parse(await call(server, logging, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'serve-scale' })) as { experiment_id: string };
  const run = JSON.parse(await call(server, logging, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: experiment.experiment_id, start_time: Date.now() })) as {
    run: { info: { run_id: string } };
  };
  const runId = run.run.info.run_id;

  let stopped = false;
  let longestHealthMs = 0;
  let healthAnswers = 0;
  const poller = (async () => {
    while (!stopped) {
      const asked = performance.now();
      await call(server, polling, 'GET', '/health');
      longestHealthMs = Math.max(longestHealthMs, performance.now() - asked);
      healthAnswers++;
      await new Promise((resolve) => setTimeout(resolve, healthEveryMs));
    }
  })();
  let peakRssMiB = rssMiB(server.pid);
  const sampler = setInterval(() => (peakRssMiB = Math.max(peakRssMiB, rssMiB(server.pid))), 200);

  const batches = total / batchPoints;
  const quarter = batches / 4;
  const stepsPerBatch = batchPoints / keys;
  const rates: number[] = [];
  let quarterStart = performance.now();
  const cpuBefore = cpuSeconds(server.pid);
  let serverCpuRate = Number.NaN;
  try {
    for (let n = 0; n < batches; n++) {
      const metrics = [];
      for (let s = 0; s < stepsPerBatch; s++) {
        const step = n * stepsPerBatch + s;
        for (let k = 0; k < keys; k++) metrics.push({ key: `metric_${k}`, value: Math.sin(step / 50 + k) * (k + 1), timestamp: 1_700_000_000_000 + step, step });
      }
      await call(server, logging, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics });
      if ((n + 1) % quarter === 0) {
        const now = performance.now();
        rates.push((quarter * batchPoints) / ((now - quarterStart) / 1000));
        quarterStart = now;
        progress(`serve scale: ${formatCount((n + 1) * batchPoints)} points, ${formatCount(rates.at(-1) ?? 0)} points/s, server RSS ${rssMiB(server.pid).toFixed(0)} MiB, longest /health ${formatMs(longestHealthMs)}`);
      }
    }
    serverCpuRate = total / (cpuSeconds(server.pid) - cpuBefore);
    // The idle checkpoint that follows a load is part of what /health must ride through.
    await new Promise((resolve) => setTimeout(resolve, 3000));
  } finally {
    stopped = true;
    await poller;
    clearInterval(sampler);
  }

  // get-history as MLflow's client pages it, over REST.
  const history = await getHistoryPaged(server, logging, runId, 'metric_0');
  logging.destroy();
  polling.destroy();
  return { rates, longestHealthMs, healthAnswers, peakRssMiB, serverCpuRate, history, bytesPerPoint: folderBytes(storeDir) / total };
}

export async function measure(): Promise<readonly BenchRow[]> {
  const script = existsSync(cliScript) ? cliScript : path.resolve('dist', 'cli.js');
  if (!existsSync(script)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs --production` first');
  const wanted = (process.env.RUNLENS_BENCH_SERVE_SCALE ?? '1M').split(',').filter((size) => size in sizes);
  const rows: BenchRow[] = [];
  for (const size of wanted) {
    const total = sizes[size];
    const workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-servescale-'));
    const { owner } = await ensureServerProcess({ cliScript: script, workspaceDir, idleMinutes: 30 });
    progress(`serve scale: ${size} points through runlens serve (pid ${owner.pid}, port ${owner.port})`);
    try {
      if (owner.port === undefined || owner.token === undefined) throw new Error('the server did not publish its port and token');
      const r = await load({ port: owner.port, token: owner.token, pid: owner.pid }, total, path.join(workspaceDir, '.runlens'));
      const rssBudget = total <= 5_000_000 ? 300 : 400;
      const first = r.rates[0];
      const last = r.rates[r.rates.length - 1];
      rows.push(
        { what: `serve ${size}: server process RSS at most`, figure: `${r.peakRssMiB.toFixed(0)} MiB`, budget: `<= ${rssBudget} MB`, ok: r.peakRssMiB <= rssBudget },
        {
          what: `serve ${size}: longest /health answer, asked every ${healthEveryMs} ms while logging and checkpointing (${formatCount(r.healthAnswers)} answers)`,
          figure: formatMs(r.longestHealthMs),
          budget: '<= 100 ms',
          ok: r.longestHealthMs <= 100,
        },
        {
          what: `serve ${size}: HTTP log-batch of 1,000 on one connection (quarters)`,
          figure: `${r.rates.map((rate) => formatCount(rate)).join(' / ')} points/s (last ${(last / first).toFixed(2)}x first; ${formatCount(r.serverCpuRate)} per server CPU second)`,
          budget: '>= 150,000 points/s, last >= 0.9x first',
          ok: Math.min(...r.rates) >= 150_000 && last >= 0.9 * first,
        },
        {
          what: `serve ${size}: get-history of a ${formatCount(r.history.points)}-point metric over REST, pages of ${formatCount(historyPage)}`,
          figure: `${formatMs(r.history.totalMs)} (server ${formatMs(r.history.serverMs)} + client ${formatMs(r.history.clientMs)})`,
          budget: r.history.points >= 500_000 ? '<= 250 ms per 500k points' : '',
          ...(r.history.points >= 500_000 ? { ok: r.history.totalMs <= (250 * r.history.points) / 500_000 } : {}),
        },
        { what: `serve ${size}: bytes on disk per point`, figure: r.bytesPerPoint.toFixed(1), budget: '<= 30', ok: r.bytesPerPoint <= 30 },
      );
    } finally {
      process.kill(owner.pid, 'SIGTERM');
      while (isProcessAlive(owner.pid)) await new Promise((resolve) => setTimeout(resolve, 20));
      rmSync(workspaceDir, { recursive: true, force: true });
    }
  }
  return rows;
}
