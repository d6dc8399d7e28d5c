import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMetricColumns } from '../src/dashboards/metricSeriesReader';
import { Database } from '../src/core/store/database';
import { TrackingStore } from '../src/core/store/trackingStore';
import type { MetricInput } from '../src/core/store/tracking/metricWrites';
import { nextTurn } from '../src/core/nextTurn';
import { type BenchRow, folderBytes, formatCount, formatMs, progress, runInFreshProcess, type Tasks, timeMs } from './benchKit';

/**
 * The store at scale (issue 12): one run logging 10 metrics in log-batches of 1,000 points, up to
 * 1M points by default; `RUNLENS_BENCH_SCALE=1M,5M,10M,50M npm run bench -- scale` for the larger
 * stores (10M takes minutes, 50M tens of minutes on this machine). The 50M store logs 5 metrics,
 * so that its metrics hold 10M points each (the chart budget's size). Each size runs in its own
 * process, so that RSS is that store's alone. Ingestion is TrackingStore.logBatch in-process, each
 * batch in `Database.groupCommit` and awaited as the server handles a request of one keep-alive
 * client (its journal flush in the thread pool, not on the event loop), the event loop turning
 * between batches; a ticker measures the longest the loop was held (batches, checkpoints, GC).
 */
const sizes: Readonly<Record<string, number>> = { '1M': 1_000_000, '5M': 5_000_000, '10M': 10_000_000, '50M': 50_000_000 };
const historyPage = 25_000;

interface ScaleResult {
  readonly points: number;
  readonly keys: number;
  readonly rssMb: number;
  /** The most RSS sampled (every 5 ms) while ingesting and checkpointing: a checkpoint's worker thread holds a second image meanwhile. */
  readonly peakRssMb: number;
  readonly longestStallMs: number;
  /** The longest single synchronous call (a batch, with any checkpoint it set off). */
  readonly longestStepMs: number;
  /** What that call was: a batch (which one) or the last checkpoint. */
  readonly longestStep: string;
  /** The CPU time of the most CPU-hungry such call: its length on an idle machine, less its disk waits. */
  readonly longestStepCpuMs: number;
  /** The CPU time of the first batch, which warms the process up. */
  readonly firstStepCpuMs: number;
  /** Points per second of this process's CPU time: the rate on an idle machine, whatever else runs. */
  readonly cpuRate: number;
  readonly rates: number[];
  readonly historyMs: number;
  readonly historyPoints: number;
  readonly chartMs: number;
  readonly chartPoints: number;
  readonly bytesPerPoint: number;
  readonly openMs: number;
  readonly openRssMb: number;
}

export const tasks: Tasks = {
  async fill(size: string): Promise<ScaleResult> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-scale-'));
    try {
      return await fill(path.join(root, '.runlens'), sizes[size]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
  async open(dir: string): Promise<{ openMs: number; rssMb: number }> {
    const start = performance.now();
    const db = await Database.open({ dir, idleCheckpointMs: 0 });
    const openMs = performance.now() - start;
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    db.close();
    return { openMs, rssMb };
  },
};

async function fill(dir: string, total: number): Promise<ScaleResult> {
  const keys = total >= 50_000_000 ? 5 : 10;
  const stepsPerBatch = 1000 / keys;
  const db = await Database.open({ dir });
  const tracking = new TrackingStore(db);
  const runId = tracking.createRun({ experimentId: '0' }).info.run_id;
  let longestStallMs = 0;
  let peakRssMb = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestStallMs = Math.max(longestStallMs, now - last);
    last = now;
    peakRssMb = Math.max(peakRssMb, process.memoryUsage.rss() / 2 ** 20);
  }, 5);
  const batches = total / 1000;
  const quarter = batches / 4;
  const rates: number[] = [];
  let quarterStart = performance.now();
  let longestStepMs = 0;
  let longestStep = '';
  let longestStepCpuMs = 0;
  let firstStepCpuMs = 0;
  const cpuStart = process.cpuUsage();
  for (let n = 0; n < batches; n++) {
    const metrics: MetricInput[] = [];
    for (let s = 0; s < stepsPerBatch; s++) {
      const step = n * stepsPerBatch + s;
      for (let k = 0; k < keys; k++) metrics.push({ key: `metric_${k}`, value: Math.sin(step / 50 + k) * (k + 1), timestamp: 1_700_000_000_000 + step, step });
    }
    const stepStart = performance.now();
    const stepCpu = process.cpuUsage();
    const replied = db.groupCommit(() => tracking.logBatch(runId, { metrics }));
    const stepMs = performance.now() - stepStart;
    const stepCpuMs = cpuMs(process.cpuUsage(stepCpu));
    // The process's first write warms up (compiles code and SQL, makes the files): told apart.
    if (n === 0) {
      firstStepCpuMs = stepCpuMs;
      longestStallMs = 0;
      last = performance.now();
    } else {
      if (stepMs > longestStepMs) [longestStepMs, longestStep] = [stepMs, `batch ${n + 1}`];
      longestStepCpuMs = Math.max(longestStepCpuMs, stepCpuMs);
    }
    await replied;
    // As the server between requests: timers (the ticker) and I/O run.
    if (n % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 0));
    else await nextTurn();
    if ((n + 1) % quarter === 0) {
      const now = performance.now();
      rates.push((quarter * 1000) / ((now - quarterStart) / 1000));
      quarterStart = now;
      progress(`scale: ${formatCount((n + 1) * 1000)} points, ${formatCount(rates[rates.length - 1])} points/s, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuRate = total / ((cpu.user + cpu.system) / 1e6);
  // The checkpoint on idle (its image written in the thread pool, the journal cut there too); the
  // ticker sees what it holds the loop for. Its first synchronous part (the export of a small image)
  // is timed as a step.
  await db.series.syncInBackground();
  const checkpointCpu = process.cpuUsage();
  const checkpointStart = performance.now();
  const checkpointed = db.checkpointInBackground();
  const checkpointStepMs = performance.now() - checkpointStart;
  if (checkpointStepMs > longestStepMs) [longestStepMs, longestStep] = [checkpointStepMs, 'the last checkpoint'];
  longestStepCpuMs = Math.max(longestStepCpuMs, cpuMs(process.cpuUsage(checkpointCpu)));
  await checkpointed;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(ticker);
  const rssMb = process.memoryUsage().rss / 2 ** 20;

  // get-history as MLflow's client pages it, straight from the store (the REST layer adds JSON).
  let historyPoints = 0;
  const historyMs = timeMs(() => {
    let pageToken: string | undefined;
    do {
      const page = tracking.metricHistoryPage(runId, 'metric_0', { maxResults: historyPage, pageToken });
      historyPoints += page.read(0, page.count).steps.length;
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  });
  let chartPoints = 0;
  const chartMs = timeMs(() => {
    chartPoints = readMetricColumns(db, runId, 'metric_0', false).totalPoints ?? 0;
  });
  db.close();
  const bytesPerPoint = folderBytes(dir) / total;
  const opened = await runInFreshProcess<{ openMs: number; rssMb: number }>('open', dir);
  return {
    points: total,
    keys,
    rssMb,
    peakRssMb: Math.max(peakRssMb, rssMb),
    longestStallMs,
    longestStepMs,
    longestStep,
    longestStepCpuMs,
    firstStepCpuMs,
    cpuRate,
    rates,
    historyMs,
    historyPoints,
    chartMs,
    chartPoints: chartPoints || total / keys,
    bytesPerPoint,
    openMs: opened.openMs,
    openRssMb: opened.rssMb,
  };
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

export async function measure(): Promise<readonly BenchRow[]> {
  const wanted = (process.env.RUNLENS_BENCH_SCALE ?? '1M').split(',').filter((size) => size in sizes);
  const rows: BenchRow[] = [];
  for (const size of wanted) {
    progress(`scale: filling a ${size}-point store`);
    const r = await runInFreshProcess<ScaleResult>('fill', size);
    const first = r.rates[0];
    const lastQuarter = r.rates[r.rates.length - 1];
    const rssBudget = r.points <= 5_000_000 ? 300 : 400;
    rows.push(
      {
        what: `${size}: RSS at its peak while ingesting and checkpointing (after ingestion: ${r.rssMb.toFixed(0)} MiB)`,
        figure: `${r.peakRssMb.toFixed(0)} MiB`,
        budget: `<= ${rssBudget} MB`,
        ok: r.peakRssMb <= rssBudget,
      },
      {
        what: `${size}: longest synchronous step while ingesting and checkpointing, after the first batch (${r.longestStep}; first batch's CPU ${formatMs(r.firstStepCpuMs)}; longest timer gap after it ${formatMs(r.longestStallMs)})`,
        figure: `${formatMs(r.longestStepMs)} (most CPU in one step ${formatMs(r.longestStepCpuMs)})`,
        budget: '<= 50 ms',
        ok: r.longestStepMs <= 50,
      },
      {
        what: `${size}: ingestion, log-batch of 1,000 in-process (quarters)`,
        figure: `${r.rates.map((rate) => formatCount(rate)).join(' / ')} points/s (last ${(lastQuarter / first).toFixed(2)}x first; ${formatCount(r.cpuRate)} per CPU second)`,
        budget: '>= 150,000 points/s, last >= 0.9x first',
        ok: Math.min(...r.rates) >= 150_000 && lastQuarter >= 0.9 * first,
      },
      { what: `${size}: open after a clean close (fresh process; RSS ${r.openRssMb.toFixed(0)} MiB)`, figure: formatMs(r.openMs), budget: '<= 1 s', ok: r.openMs <= 1000 },
      {
        what: `${size}: get-history of a ${formatCount(r.historyPoints)}-point metric, pages of ${formatCount(historyPage)}`,
        figure: formatMs(r.historyMs),
        budget: r.historyPoints >= 500_000 ? '<= 250 ms per 500k points' : '',
        ...(r.historyPoints >= 500_000 ? { ok: r.historyMs <= (250 * r.historyPoints) / 500_000 } : {}),
      },
      { what: `${size}: chart data of a ${formatCount(r.chartPoints)}-point metric`, figure: formatMs(r.chartMs), budget: '<= 200 ms', ok: r.chartMs <= 200 },
      { what: `${size}: bytes on disk per point`, figure: r.bytesPerPoint.toFixed(1), budget: '<= 30', ok: r.bytesPerPoint <= 30 },
    );
  }
  return rows;
}
