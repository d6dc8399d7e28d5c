import { nextTurn } from '../../nextTurn';
import type { Database } from '../database';
import type { Param } from '../databaseApi';
import { metricsHistoryIndex } from '../migrations/v2to4LaunchTargetsAndHistoryFiles';
import { compareHistory, pointBytes, writePoint } from './pointRecords';

/** How far moving an older store's histories out of the sql.js image has come. */
export interface HistoryMoveProgress {
  readonly movedPoints: number;
  readonly totalPoints: number;
}

/** Where the move stands, kept in the image (and journaled) so that a killed move resumes. */
const progressKey = 'history_move_rowid';
/** Rows moved per slice: well under the 50 ms a slice may take. */
const rowsPerSlice = 5000;

interface MovingSeries {
  readonly runId: string;
  readonly seriesId: number;
  count: number;
  inOrder: boolean;
  last: { step: number; timestamp: number; value: number } | undefined;
}

type MetricRow = [rowid: number, runId: string, key: string, value: number | null, isNan: number, timestamp: number, step: number, linked: number];

/**
 * Moves the metric histories of a store made before migration 4 out of the sql.js image into the
 * history files (docs/STORAGE.md), in slices of a few thousand points with the event loop
 * running between them. Each slice writes its points to the files, flushes them, then in one
 * journaled write marks how far the move has come, numbers the moved points that keep a row (those
 * linked to a model or dataset) and deletes the others. A move cut off by a kill resumes from its
 * last slice on the next open. At the end the image is compacted (in slices, as VACUUM would) and
 * checkpointed, so the store's memory and checkpoints no longer carry the points. Returns the points moved.
 */
export async function moveHistoriesOutOfImage(db: Database, onProgress?: (progress: HistoryMoveProgress) => void): Promise<number> {
  const started = db.get<{ value: number }>('SELECT value FROM _runlens_meta WHERE key = ?', [progressKey]);
  const pending = db.get('SELECT 1 AS found FROM latest_metrics WHERE series_id IS NULL LIMIT 1');
  if (!started && !pending) {
    buildDeferredHistoryIndex(db);
    return 0;
  }
  if (!started) numberSeries(db);
  let movedRowid = started?.value ?? 0;
  const series = seriesToMove(db, movedRowid > 0 ? movedRowid : undefined);
  const totalPoints = [...series.values()].reduce((n, s) => n + s.count, 0) + remainingRows(db, movedRowid);
  let movedPoints = [...series.values()].reduce((n, s) => n + s.count, 0);
  for (;;) {
    const rows = db.values(
      `SELECT rowid, run_id, key, value, is_nan, timestamp, step,
         (model_id IS NOT NULL OR dataset_name IS NOT NULL OR dataset_digest IS NOT NULL) FROM metrics
       WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      [movedRowid, rowsPerSlice],
    ) as MetricRow[];
    if (rows.length === 0) break;
    const { numbered, touched } = writeSlice(db, series, rows);
    const outOfOrder = touched.filter((s) => !s.inOrder).map((s) => [s.runId, s.seriesId]);
    // The points are on the disk before the journal says they moved: flushed in the thread pool,
    // so that the many files of a slice do not hold the event loop.
    await db.series.syncInBackground();
    db.series.sync();
    const lastRowid = rows[rows.length - 1][0];
    db.write((tx) => {
      if (numbered.length > 0) tx.runMany('UPDATE metrics SET seq = ? WHERE rowid = ?', numbered);
      if (outOfOrder.length > 0) tx.runMany('UPDATE latest_metrics SET in_order = 0 WHERE run_id = ? AND series_id = ?', outOfOrder);
      tx.run('DELETE FROM metrics WHERE rowid > ? AND rowid <= ? AND seq IS NULL', [movedRowid, lastRowid]);
      tx.run('INSERT OR REPLACE INTO _runlens_meta (key, value) VALUES (?, ?)', [progressKey, lastRowid]);
    });
    movedRowid = lastRowid;
    movedPoints += rows.length;
    onProgress?.({ movedPoints, totalPoints });
    await nextTurn();
  }
  db.write((tx) => {
    tx.runMany(
      'UPDATE latest_metrics SET point_count = ?, in_order = ? WHERE run_id = ? AND series_id = ?',
      [...series.values()].map((s) => [s.count, s.inOrder ? 1 : 0, s.runId, s.seriesId]),
    );
  });
  buildDeferredHistoryIndex(db);
  // The mark goes only after the compaction: a move killed during it compacts again on the next open.
  await db.compact();
  db.write((tx) => tx.run('DELETE FROM _runlens_meta WHERE key = ?', [progressKey]));
  return movedPoints;
}

/**
 * Builds the history index that migration 3 leaves to the end of the move on a store that held its
 * points (migrations/v2to4LaunchTargetsAndHistoryFiles.ts), now over the few linked rows left.
 */
function buildDeferredHistoryIndex(db: Database): void {
  if (db.get("SELECT 1 AS found FROM sqlite_master WHERE type = 'index' AND name = 'metrics_by_run_key'")) return;
  db.write((tx) => tx.run(metricsHistoryIndex));
}

/** Gives every metric of every run its history file number (1, 2, … within the run, by key). */
function numberSeries(db: Database): void {
  const rows = db.values('SELECT run_id, key FROM latest_metrics ORDER BY run_id, key') as [string, string][];
  const numbered: Param[][] = [];
  let run: string | undefined;
  let next = 0;
  for (const [runId, key] of rows) {
    if (runId !== run) {
      run = runId;
      next = 1;
    }
    numbered.push([next++, runId, key]);
  }
  db.write((tx) => {
    tx.runMany('UPDATE latest_metrics SET series_id = ?, in_order = 1 WHERE run_id = ? AND key = ?', numbered);
    tx.run('INSERT OR REPLACE INTO _runlens_meta (key, value) VALUES (?, 0)', [progressKey]);
  });
}

/**
 * The histories being moved, with how many points each has in its file so far: all of them, less
 * those still to move (only a resumed move reads that, once).
 */
function seriesToMove(db: Database, resumedAfter: number | undefined): Map<string, MovingSeries> {
  const series = new Map<string, MovingSeries>();
  const rows = db.values('SELECT run_id, key, series_id, point_count, in_order FROM latest_metrics') as [string, string, number, number, number][];
  const remaining = new Map<string, number>();
  if (resumedAfter !== undefined) {
    for (const [runId, key, n] of db.values('SELECT run_id, key, count(*) FROM metrics WHERE rowid > ? GROUP BY run_id, key', [resumedAfter]) as [
      string,
      string,
      number,
    ][]) {
      remaining.set(`${runId}\u0000${key}`, n);
    }
  }
  for (const [runId, key, seriesId, pointCount, inOrder] of rows) {
    const id = `${runId}\u0000${key}`;
    const count = resumedAfter === undefined ? 0 : Math.max(0, pointCount - (remaining.get(id) ?? 0));
    const lastPoint = count > 0 ? db.series.read({ runId, seriesId }, count - 1, 1) : undefined;
    series.set(id, {
      runId,
      seriesId,
      count,
      inOrder: inOrder === 1,
      last: lastPoint?.steps.length ? { step: lastPoint.steps[0], timestamp: lastPoint.timestamps[0], value: lastPoint.values[0] } : undefined,
    });
  }
  return series;
}

function remainingRows(db: Database, after: number): number {
  return db.get<{ n: number }>('SELECT count(*) AS n FROM metrics WHERE rowid > ?', [after])?.n ?? 0;
}

/** Writes a slice's points to their files; returns `[seq, rowid]` of the points that keep their row, and the histories written. */
function writeSlice(db: Database, series: Map<string, MovingSeries>, rows: readonly MetricRow[]): { numbered: Param[][]; touched: MovingSeries[] } {
  const bySeries = new Map<MovingSeries, MetricRow[]>();
  for (const row of rows) {
    const target = series.get(`${row[1]}\u0000${row[2]}`);
    // A point whose metric has no latest value was never shown but by get-history; it has no file to go to.
    if (!target) continue;
    const list = bySeries.get(target);
    if (list) list.push(row);
    else bySeries.set(target, [row]);
  }
  const numbered: Param[][] = [];
  for (const [target, list] of bySeries) {
    const packed = Buffer.allocUnsafe(list.length * pointBytes);
    list.forEach(([rowid, , , value, isNan, timestamp, step, linked], i) => {
      const point = { step, timestamp, value: isNan || value === null ? NaN : value };
      writePoint(packed, i * pointBytes, point.step, point.timestamp, point.value);
      const last = target.last;
      if (last && compareHistory(point.step, point.timestamp, point.value, last.step, last.timestamp, last.value) < 0) target.inOrder = false;
      target.last = point;
      if (linked) numbered.push([target.count + i, rowid]);
    });
    db.series.write(target, target.count, packed);
    target.count += list.length;
  }
  return { numbered, touched: [...bySeries.keys()] };
}
