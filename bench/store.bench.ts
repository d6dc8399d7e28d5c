import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '../src/core/store/database';
import { defaultCheckpointBytes } from '../src/core/store/durableFiles';
import { TrackingStore } from '../src/core/store/trackingStore';
import {
  type BenchRow,
  formatCount,
  formatMs,
  median,
  percentile,
  progress,
  runInFreshProcess,
  type Tasks,
  timeMs,
} from './benchKit';
import { metricBatch, pointsPerBatch, rawLogBatch, stepsPerBatch } from './storeWorkload';

const totalPoints = 1_000_000;
const runCount = 100;
const reopenRepeats = 3;

interface Reopened {
  readonly openMs: number;
  readonly replayedRecords: number;
  readonly rssMb: number;
  readonly points: number;
}

export const tasks: Tasks = {
  /** Opens the store in a new process (sql.js load, image load, journal replay) and leaves it as it was. */
  async reopen(dir: string): Promise<Reopened> {
    const start = process.hrtime.bigint();
    const db = await Database.open({ dir, idleCheckpointMs: 0 });
    const openMs = Number(process.hrtime.bigint() - start) / 1e6;
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    const points = db.get<{ n: number }>('SELECT SUM(point_count) AS n FROM latest_metrics')?.n ?? 0;
    // No close: closing would checkpoint and change what the next repeat opens.
    return { openMs, replayedRecords: db.recovery.replayedRecords, rssMb, points };
  },
};

export async function measure(): Promise<readonly BenchRow[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-store-'));
  try {
    return await measureIn(path.join(root, '.runlens'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function measureIn(dir: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push(fdatasyncRow(path.dirname(dir)));

  const db = await Database.open({ dir, idleCheckpointMs: 0 });
  const tracking = new TrackingStore(db);
  const runs = Array.from({ length: runCount }, () => tracking.createRun({ experimentId: '0' }).info.run_id);
  const journal = path.join(dir, 'journal');
  const totalBatches = totalPoints / pointsPerBatch;
  const batch = (n: number): void => {
    const runIndex = n % runCount;
    tracking.logBatch(runs[runIndex], { metrics: metricBatch(n, Math.floor(n / runCount) * stepsPerBatch) });
  };

  // Fill the store to 1,000,000 points through TrackingStore.logBatch, leaving the journal as full
  // as it gets (just under the checkpoint threshold) for the worst-case reopen after a crash.
  progress(`store: logging ${formatCount(totalPoints)} points through TrackingStore.logBatch`);
  const batchTimes: number[] = [];
  const before = statSync(journal).size;
  batchTimes.push(timeMs(() => batch(0)));
  const recordBytes = statSync(journal).size - before;
  const batchesInJournal = Math.min(totalBatches - 1, Math.floor(defaultCheckpointBytes / recordBytes) - 1);
  const fillStart = process.hrtime.bigint();
  for (let n = 1; n < totalBatches; n++) {
    if (n === totalBatches - batchesInJournal) db.checkpoint();
    batchTimes.push(timeMs(() => batch(n)));
  }
  const fillSeconds = Number(process.hrtime.bigint() - fillStart) / 1e9;
  const journalBytes = statSync(journal).size;
  rows.push({
    what: 'log-batch of 1,000 metrics, TrackingStore.logBatch with flush (p50)',
    figure: `${formatMs(median(batchTimes))} (p90 ${formatMs(percentile(batchTimes, 90))})`,
    budget: '<= 5 ms',
    ok: median(batchTimes) <= 5,
  });
  const rate = ((totalBatches - 1) * pointsPerBatch) / fillSeconds;
  rows.push({
    what: 'sustained log-batch ingestion, checkpoints included',
    figure: `${formatCount(rate)} points/s`,
    budget: '>= 150,000 points/s',
    ok: rate >= 150_000,
  });

  progress(`store: reopening after a crash, journal of ${(journalBytes / 2 ** 20).toFixed(1)} MiB`);
  const crashed: Reopened[] = [];
  for (let i = 0; i < reopenRepeats; i++) crashed.push(await runInFreshProcess<Reopened>('reopen', dir));
  const crashedMs = median(crashed.map((r) => r.openMs));
  rows.push({
    what: `open 1M points after a crash: load + replay of ${formatCount(crashed[0].replayedRecords * pointsPerBatch)} points (${(journalBytes / 2 ** 20).toFixed(1)} MiB journal)`,
    figure: formatMs(crashedMs),
    budget: '<= 1 s',
    ok: crashedMs <= 1000 && crashed[0].points === totalPoints,
  });

  progress('store: single writes and batches on the 1M-point store');
  rows.push(...writeRows(db, tracking, runs[0]));

  progress('store: checkpoints of the 1M-point store');
  const checkpointTimes: number[] = [];
  for (let i = 0; i < reopenRepeats; i++) {
    tracking.logMetric(runs[1], { key: 'checkpoint_probe', value: i, timestamp: Date.now(), step: i });
    checkpointTimes.push(timeMs(() => db.checkpoint()));
  }
  const imageMb = statSync(path.join(dir, 'runlens.db')).size / 2 ** 20;
  rows.push({
    what: `checkpoint of the 1M-point store (${imageMb.toFixed(0)} MiB image: export, write, fsync, rename)`,
    figure: formatMs(median(checkpointTimes)),
    budget: '',
  });
  db.close();

  progress('store: reopening after a clean close');
  const clean: Reopened[] = [];
  for (let i = 0; i < reopenRepeats; i++) clean.push(await runInFreshProcess<Reopened>('reopen', dir));
  const cleanMs = median(clean.map((r) => r.openMs));
  rows.push({
    what: 'open 1M points after a clean close (sql.js load + image load)',
    figure: formatMs(cleanMs),
    budget: '<= 1 s',
    ok: cleanMs <= 1000,
  });
  rows.push({ what: 'RSS after opening the 1M-point store', figure: `${median(clean.map((r) => r.rssMb)).toFixed(0)} MiB`, budget: '' });
  return rows;
}

/** Single metrics and batches on the full store: through TrackingStore and through bare SQL. */
function writeRows(db: Database, tracking: TrackingStore, runId: string): BenchRow[] {
  const single = (step: number): void =>
    tracking.logMetric(runId, { key: 'single', value: step / 3, timestamp: 1_700_000_000_000 + step, step });
  const rawSingle = (step: number): void =>
    rawLogBatch(db, runId, [{ key: 'raw_single', value: step / 3, timestamp: 1_700_000_000_000 + step, step }]);
  for (let i = 0; i < 200; i++) {
    single(i);
    rawSingle(i);
  }
  const singles: number[] = [];
  const rawSingles: number[] = [];
  for (let i = 200; i < 1200; i++) {
    singles.push(timeMs(() => single(i)));
    rawSingles.push(timeMs(() => rawSingle(i)));
  }
  const rawBatches: number[] = [];
  for (let i = 0; i < 50; i++) {
    const metrics = metricBatch(i, 1_000_000 + i * stepsPerBatch);
    rawBatches.push(timeMs(() => rawLogBatch(db, runId, metrics)));
  }
  return [
    {
      what: 'single metric, TrackingStore.logMetric with flush (p50)',
      figure: `${formatMs(median(singles))} (p90 ${formatMs(percentile(singles, 90))})`,
      budget: 'p50 <= 0.5 ms for the whole log-metric round trip',
      ok: median(singles) <= 0.5,
    },
    {
      what: 'single metric, bare SQL insert + upsert with flush (p50)',
      figure: formatMs(median(rawSingles)),
      budget: '',
    },
    {
      what: 'batch of 1,000 metrics, bare SQL insert + upsert with flush (p50)',
      figure: formatMs(median(rawBatches)),
      budget: '',
    },
  ];
}

/** What one flush costs on this disk: the floor under every acknowledged write. */
function fdatasyncRow(dir: string): BenchRow {
  const file = path.join(dir, 'fdatasync-probe');
  const fd = openSync(file, 'w');
  const record = Buffer.alloc(200, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < 300; i++) {
      times.push(
        timeMs(() => {
          writeSync(fd, record);
          fdatasyncSync(fd);
        }),
      );
    }
  } finally {
    closeSync(fd);
    rmSync(file);
  }
  return { what: 'context: append 200 bytes + fdatasync on this disk (p50)', figure: formatMs(median(times)), budget: '' };
}
