import type { Reader } from '../databaseApi';
import { historyPermutation, type PointColumns } from '../series/pointRecords';
import type { SeriesFiles, SeriesRef } from '../series/seriesFiles';

/** A run's metric as `latest_metrics` describes its history file. */
export interface SeriesInfo extends SeriesRef {
  readonly key: string;
  /** Points in the history (what the file holds of them). */
  readonly count: number;
  /** Logged in history order: the file's order is the history's. */
  readonly inOrder: boolean;
}

type SeriesRow = [key: string, seriesId: number | null, count: number, inOrder: number];

function infoOf(db: Reader, runId: string, [key, seriesId, count, inOrder]: SeriesRow): SeriesInfo | undefined {
  // series_id is NULL only while an older store's histories are being moved out (historyMove.ts).
  if (seriesId === null) return undefined;
  const series = { runId, seriesId };
  return { ...series, key, count: db.series.available(series, count), inOrder: inOrder === 1 };
}

export function seriesOf(db: Reader, runId: string, key: string): SeriesInfo | undefined {
  const row = db.values('SELECT key, series_id, point_count, in_order FROM latest_metrics WHERE run_id = ? AND key = ?', [runId, key])[0];
  return row ? infoOf(db, runId, row as SeriesRow) : undefined;
}

/** Every metric of a run, by key. */
export function seriesOfRun(db: Reader, runId: string): SeriesInfo[] {
  return db
    .values('SELECT key, series_id, point_count, in_order FROM latest_metrics WHERE run_id = ? ORDER BY key', [runId])
    .flatMap((row) => infoOf(db, runId, row as SeriesRow) ?? []);
}

/** A whole history as logged, and the order to read it in (absent: as logged). */
export interface SeriesHistory {
  readonly points: PointColumns;
  /** Indexes into `points` in history order, for a series not logged in order. */
  readonly order?: Uint32Array;
}

/** Per store, the last sorted history: a client fetches an out-of-order history's pages in turn. */
const sortedCache = new WeakMap<SeriesFiles, { runId: string; seriesId: number; count: number; history: SeriesHistory }>();

export function readHistory(db: Reader, series: SeriesInfo): SeriesHistory {
  const points = db.series.read(series, 0, series.count);
  if (series.inOrder) return { points };
  const cached = sortedCache.get(db.series);
  if (cached && cached.runId === series.runId && cached.seriesId === series.seriesId && cached.count === series.count) {
    return cached.history;
  }
  const history = { points, order: historyPermutation(points) };
  sortedCache.set(db.series, { runId: series.runId, seriesId: series.seriesId, count: series.count, history });
  return history;
}

/**
 * Points `from..from+count` of a history in history order, as columns: one read of the file for
 * a series logged in order, a sort of the whole history otherwise.
 */
export function readHistoryRange(db: Reader, series: SeriesInfo, from: number, count: number): PointColumns {
  const wanted = Math.max(0, Math.min(count, series.count - from));
  if (series.inOrder) return db.series.read(series, from, wanted);
  const { points, order } = readHistory(db, series);
  const pick = (column: Float64Array): Float64Array => {
    const out = new Float64Array(wanted);
    for (let i = 0; i < wanted; i++) out[i] = column[(order as Uint32Array)[from + i]];
    return out;
  };
  return { steps: pick(points.steps), timestamps: pick(points.timestamps), values: pick(points.values) };
}
