import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Database } from '../src/core/store/database';
import { TrackingStore } from '../src/core/store/trackingStore';
import { seedTraces, workloadTraceCount, workloadTraceId } from '../test/unit/traces/traceSearchWorkload';
import { type BenchRow, formatMs, progress, runInFreshProcess, type Tasks } from './benchKit';

// Issue 12: a checkpoint of a large image (the 100,000 traces of the trace-search workload, about
// 100 MB) while writes go on. A background checkpoint (on size, on idle) must never hold the event
// loop for long (budget: no synchronous step over 50 ms); its peak memory is the price of building
// the image beside the live database. Then the close of a window's store (`closeInBackground`).

interface CheckpointResult {
  readonly imageMb: number;
  readonly journalKb: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly longestStallMs: number;
  readonly checkpointMs: number;
  readonly writesMeanwhile: number;
  readonly journalKeptKb: number;
  readonly closeMs: number;
  readonly closeStallMs: number;
}

/** Small writes, as a server's requests between checkpoints: one trace tag each. */
function tagWrite(db: Database, n: number): void {
  db.write((tx) => tx.run('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)', [workloadTraceId(n % 1000), `bench_${n}`, 'v'.repeat(100)]));
}

export const tasks: Tasks = {
  async measure(): Promise<CheckpointResult> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-checkpoint-'));
    const dir = path.join(root, '.runlens');
    try {
      const db = await Database.open({ dir, idleCheckpointMs: 0, checkpointBytes: 1 << 30 });
      const experimentId = new TrackingStore(db).createExperiment({ name: 'many' });
      seedTraces(db, experimentId);
      db.checkpoint();
      const imageMb = statSync(path.join(dir, 'runlens.db')).size / 2 ** 20;
      let n = 0;
      for (; n < 2000; n++) tagWrite(db, n);
      const journalKb = statSync(path.join(dir, 'journal')).size / 1024;

      const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
      let rssPeakMb = rssBeforeMb;
      let longestStallMs = 0;
      let last = performance.now();
      const histogram = monitorEventLoopDelay({ resolution: 5 });
      const ticker = setInterval(() => {
        const now = performance.now();
        longestStallMs = Math.max(longestStallMs, now - last);
        last = now;
        rssPeakMb = Math.max(rssPeakMb, process.memoryUsage().rss / 2 ** 20);
      }, 5);
      histogram.enable();
      let writing = true;
      let writesMeanwhile = 0;
      const writes = (async () => {
        while (writing) {
          tagWrite(db, n++);
          writesMeanwhile++;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const started = performance.now();
      await db.checkpointInBackground();
      const checkpointMs = performance.now() - started;
      writing = false;
      await writes;
      histogram.disable();
      clearInterval(ticker);
      longestStallMs = Math.max(longestStallMs, histogram.max / 1e6);
      const journalKeptKb = statSync(path.join(dir, 'journal')).size / 1024;
      for (let more = 0; more < 200; more++) tagWrite(db, n++);
      // A window letting its store go: the last checkpoint in the worker too.
      let closeStallMs = 0;
      last = performance.now();
      const closeTicker = setInterval(() => {
        const now = performance.now();
        closeStallMs = Math.max(closeStallMs, now - last);
        last = now;
      }, 5);
      const closeStarted = performance.now();
      await db.closeInBackground();
      const closeMs = performance.now() - closeStarted;
      clearInterval(closeTicker);
      closeStallMs = Math.max(closeStallMs, performance.now() - last);
      return { imageMb, journalKb, rssBeforeMb, rssPeakMb, longestStallMs, checkpointMs, writesMeanwhile, journalKeptKb, closeMs, closeStallMs };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

export async function measure(): Promise<readonly BenchRow[]> {
  progress(`checkpoint: a store of ${workloadTraceCount.toLocaleString('en-US')} traces`);
  const r = await runInFreshProcess<CheckpointResult>('measure');
  const image = `${r.imageMb.toFixed(0)} MB image`;
  return [
    {
      what: `background checkpoint of a ${image} (${r.journalKb.toFixed(0)} kB journal), a write every 10 ms meanwhile: longest event-loop stall`,
      figure: formatMs(r.longestStallMs),
      budget: '<= 50 ms',
      ok: r.longestStallMs <= 50,
    },
    {
      what: `background checkpoint of a ${image}: start to journal dropped (${r.writesMeanwhile} writes meanwhile, ${r.journalKeptKb.toFixed(0)} kB kept journaled)`,
      figure: formatMs(r.checkpointMs),
      budget: '',
    },
    {
      what: `background checkpoint of a ${image}: process RSS before, and its peak meanwhile`,
      figure: `${r.rssBeforeMb.toFixed(0)} MiB, peak ${r.rssPeakMb.toFixed(0)} MiB`,
      budget: '',
    },
    {
      what: `closeInBackground of a ${image} (a window letting its store go; takes ${formatMs(r.closeMs)}): longest event-loop stall`,
      figure: formatMs(r.closeStallMs),
      budget: '<= 50 ms',
      ok: r.closeStallMs <= 50,
    },
  ];
}
