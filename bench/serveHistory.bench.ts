// Issue 12's get-history budget on its own: one metric of 500,000 points logged through
// `runlens serve`, then read back over REST as MLflow's client pages it (max_results=25000 with
// page tokens), a few times. Splits each read into the server's part (request sent to last byte
// received) and the client's part (bytes to text, JSON.parse), per page and per 500k points. Quicker than serveScale,
// which needs 5M points to give one metric 500k.
// Needs the built bundle: `node scripts/build.mjs --production` first; RUNLENS_BENCH_CLI=<cli.js>
// measures another build's server instead (a before/after of a change).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../src/core/launches/processAlive';
import { ensureServerProcess } from '../src/supervisor/serverProcess';
import { type BenchRow, formatCount, formatMs, median, progress, type Tasks } from './benchKit';
import { call, getHistoryPaged, historyPage, type PagedHistory, type Server } from './serveClient';

const points = 500_000;
const batchPoints = 1000;
const reads = 5;
const budgetMs = 250;
const cliScript = path.join(__dirname, '..', 'dist', 'cli.js');

export const tasks: Tasks = {};

async function logHistory(server: Server, agent: http.Agent): Promise<string> {
  const experiment = JSON.parse(await call(server, agent, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'serve-history' })) as { experiment_id: string };
  const run = JSON.parse(await call(server, agent, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: experiment.experiment_id, start_time: Date.now() })) as {
    run: { info: { run_id: string } };
  };
  const runId = run.run.info.run_id;
  for (let first = 0; first < points; first += batchPoints) {
    const metrics = [];
    // Values as a training loop logs them (doubles of 16-17 digits), timestamps in ms, steps counting up.
    for (let step = first; step < first + batchPoints; step++) {
      metrics.push({ key: 'loss', value: Math.sin(step / 50) * 2, timestamp: 1_700_000_000_000 + step, step });
    }
    await call(server, agent, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics });
  }
  return runId;
}

function split(read: PagedHistory): string {
  return `server ${formatMs(read.serverMs)} + client ${formatMs(read.clientMs)}`;
}

export async function measure(): Promise<readonly BenchRow[]> {
  const script = process.env.RUNLENS_BENCH_CLI ?? (existsSync(cliScript) ? cliScript : path.resolve('dist', 'cli.js'));
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`node scripts/build.mjs --production\` first`);
  const workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-servehistory-'));
  const { owner } = await ensureServerProcess({ cliScript: script, workspaceDir, idleMinutes: 30 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    if (owner.port === undefined || owner.token === undefined) throw new Error('the server did not publish its port and token');
    const server = { port: owner.port, token: owner.token, pid: owner.pid };
    progress(`serve history: logging ${formatCount(points)} points of one metric through runlens serve (pid ${owner.pid})`);
    const runId = await logHistory(server, agent);
    // Let the idle checkpoint that follows the load pass, as a client reading later would.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const results: PagedHistory[] = [];
    for (let i = 0; i < reads; i++) {
      const read = await getHistoryPaged(server, agent, runId, 'loss');
      if (read.points !== points) throw new Error(`get-history returned ${read.points} points, not ${points}`);
      results.push(read);
      progress(`serve history: read ${i + 1}: ${formatMs(read.totalMs)} (${split(read)}) in ${read.pages} pages`);
    }
    const typical = results.find((r) => r.totalMs === median(results.map((x) => x.totalMs))) as PagedHistory;
    const perPage = (ms: number): string => formatMs(ms / typical.pages);
    return [
      {
        what: `serve: get-history of a ${formatCount(points)}-point metric over REST, pages of ${formatCount(historyPage)} (median of ${reads})`,
        figure: `${formatMs(typical.totalMs)} (${split(typical)})`,
        budget: `<= ${budgetMs} ms`,
        ok: typical.totalMs <= budgetMs,
      },
      {
        what: `serve: get-history, one page of ${formatCount(historyPage)} points`,
        figure: `server ${perPage(typical.serverMs)} + client ${perPage(typical.clientMs)}`,
        budget: '',
      },
    ];
  } finally {
    agent.destroy();
    process.kill(owner.pid, 'SIGTERM');
    while (isProcessAlive(owner.pid)) await new Promise((resolve) => setTimeout(resolve, 20));
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}
