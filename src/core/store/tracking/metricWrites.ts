import type { Param, WriteTransaction } from '../databaseApi';
import { compareHistory, packPoints } from '../series/pointRecords';
import { chunks, placeholders, runEach } from './sqlHelpers';

/** One metric point as logged: by log-metric, log-batch, or a model's metrics. */
export interface MetricInput {
  readonly key: string;
  /** NaN, Infinity and -Infinity are kept exactly. */
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
  readonly modelId?: string;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** What the store has of a metric's history when new points come. */
interface SeriesState {
  readonly seriesId: number;
  /** Points in the history; the new ones go from here. */
  count: number;
  inOrder: boolean;
  /** The last point logged, for telling whether the history stays in order. */
  last: { step: number; timestamp: number; value: number } | undefined;
}

/** Points of a history identical to a new one: their positions, and the models each is linked to. */
interface ExistingPoint {
  /** Positions of identical points with no model link. */
  readonly unlinked: number[];
  readonly modelIds: Set<string>;
}

/**
 * Appends points to a run's history (the history files, through the transaction) and folds them
 * into `latest_metrics`, in the caller's transaction. As in MLflow, a point identical to one
 * already logged (key, value, timestamp, step) is not stored twice; when the repeat names a model
 * (the client re-logs a run's metrics linked to the model it just logged), the stored point is
 * linked to that model instead. Links to models and datasets are rows of `metrics`, by position.
 */
export function insertMetrics(tx: WriteTransaction, runId: string, metrics: readonly MetricInput[]): void {
  const unique = dedupe(metrics);
  if (unique.size === 0) return;
  const byKey = new Map<string, MetricInput[]>();
  for (const point of unique.values()) {
    const list = byKey.get(point.key);
    if (list) list.push(point);
    else byKey.set(point.key, [point]);
  }
  const states = seriesStates(tx, runId, [...byKey.keys()]);
  const linkRows: Param[][] = [];
  const relinks: Param[][] = [];
  const summaries: Param[][] = [];
  for (const [key, points] of byKey) {
    const state = states.get(key) as SeriesState;
    const existing = findExisting(tx, runId, key, state, points);
    const fresh: MetricInput[] = [];
    for (const point of points) {
      const found = existing.get(identityOf(point.key, point.step, point.timestamp, point.value, Number.isNaN(point.value)));
      if (!found) {
        fresh.push(point);
      } else if (point.modelId && !found.modelIds.has(point.modelId)) {
        const seq = found.unlinked.shift();
        if (seq === undefined) fresh.push(point);
        else relinks.push([runId, key, seq, ...linkColumns(point)]);
      }
    }
    if (fresh.length === 0) continue;
    fresh.forEach((point, i) => {
      if (point.modelId || point.datasetName || point.datasetDigest) linkRows.push([runId, key, state.count + i, ...linkColumns(point)]);
    });
    tx.appendPoints({ runId, seriesId: state.seriesId }, state.count, packPoints(fresh));
    for (const point of fresh) {
      const last = state.last;
      if (last && compareHistory(point.step, point.timestamp, point.value, last.step, last.timestamp, last.value) < 0) state.inOrder = false;
      state.last = point;
    }
    state.count += fresh.length;
    summaries.push([runId, ...summarize(fresh), state.seriesId, state.inOrder ? 1 : 0]);
  }
  runEach(tx, `INSERT INTO metrics (run_id, key, seq, model_id, dataset_name, dataset_digest, value, is_nan, timestamp, step)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    linkRows,
  );
  // A stored point linked to a model now: its row (it may have had a dataset only) names the model.
  runEach(tx, `INSERT INTO metrics (run_id, key, seq, model_id, dataset_name, dataset_digest, value, is_nan, timestamp, step)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    relinks.filter((row) => !hasLinkRow(tx, row)),
  );
  runEach(tx, `UPDATE metrics SET model_id = ?, dataset_name = ?, dataset_digest = ? WHERE run_id = ? AND key = ? AND seq = ?`,
    relinks.filter((row) => hasLinkRow(tx, row)).map(([run, key, seq, modelId, datasetName, datasetDigest]) => [modelId, datasetName, datasetDigest, run, key, seq]),
  );
  runEach(tx, upsertLatestSql, summaries);
}

/** model_id, dataset_name, dataset_digest, value, is_nan, timestamp, step of a linked point's row. */
function linkColumns(point: MetricInput): Param[] {
  return [
    point.modelId ?? null,
    point.datasetName ?? null,
    point.datasetDigest ?? null,
    storedValue(point.value),
    Number.isNaN(point.value) ? 1 : 0,
    point.timestamp,
    point.step,
  ];
}

function hasLinkRow(tx: WriteTransaction, [runId, key, seq]: Param[]): boolean {
  return tx.get('SELECT 1 AS found FROM metrics WHERE run_id = ? AND key = ? AND seq = ?', [runId, key, seq]) !== undefined;
}

/** Each key's history as it stands, new series numbered after the run's last. */
function seriesStates(tx: WriteTransaction, runId: string, keys: readonly string[]): Map<string, SeriesState> {
  const states = new Map<string, SeriesState>();
  for (const part of chunks(keys)) {
    const rows = tx.values(
      `SELECT key, series_id, point_count, in_order FROM latest_metrics WHERE run_id = ? AND key IN (${placeholders(part.length)})`,
      [runId, ...part],
    ) as [string, number, number, number][];
    for (const [key, seriesId, count, inOrder] of rows) {
      const series = { runId, seriesId };
      const last = count > 0 ? tx.series.read(series, count - 1, 1) : undefined;
      states.set(key, {
        seriesId,
        count,
        inOrder: inOrder === 1,
        last: last && last.steps.length === 1 ? { step: last.steps[0], timestamp: last.timestamps[0], value: last.values[0] } : undefined,
      });
    }
  }
  let next: number | undefined;
  for (const key of keys) {
    if (states.has(key)) continue;
    next ??= (tx.get<{ id: number | null }>('SELECT max(series_id) AS id FROM latest_metrics WHERE run_id = ?', [runId])?.id ?? 0) + 1;
    states.set(key, { seriesId: next++, count: 0, inOrder: true, last: undefined });
  }
  return states;
}

// `latest_metrics` keeps the point with the greatest step, then timestamp, then value (NaN counting
// as 0), exactly MLflow's rule, so out-of-order steps never move "latest" backwards. Every SET
// expression sees the row as it was before the update.
const newer = `(excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND
  (excluded.timestamp > latest_metrics.timestamp OR (excluded.timestamp = latest_metrics.timestamp AND
  COALESCE(excluded.value, 0) > COALESCE(latest_metrics.value, 0)))))`;
const upsertLatestSql = `
  INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count, series_id, in_order)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, key) DO UPDATE SET
    series_id = excluded.series_id,
    in_order = excluded.in_order,
    value = CASE WHEN ${newer} THEN excluded.value ELSE latest_metrics.value END,
    is_nan = CASE WHEN ${newer} THEN excluded.is_nan ELSE latest_metrics.is_nan END,
    timestamp = CASE WHEN ${newer} THEN excluded.timestamp ELSE latest_metrics.timestamp END,
    step = CASE WHEN ${newer} THEN excluded.step ELSE latest_metrics.step END,
    min_value = CASE WHEN excluded.min_value IS NULL THEN latest_metrics.min_value
      WHEN latest_metrics.min_value IS NULL OR excluded.min_value < latest_metrics.min_value THEN excluded.min_value
      ELSE latest_metrics.min_value END,
    max_value = CASE WHEN excluded.max_value IS NULL THEN latest_metrics.max_value
      WHEN latest_metrics.max_value IS NULL OR excluded.max_value > latest_metrics.max_value THEN excluded.max_value
      ELSE latest_metrics.max_value END,
    point_count = latest_metrics.point_count + excluded.point_count`;

/** New points of one key: the latest of them, their min and max (NaN left out) and their count. */
function summarize(points: readonly MetricInput[]): Param[] {
  let latest = points[0];
  let min: number | null = null;
  let max: number | null = null;
  for (const point of points) {
    if (isNewer(point, latest)) latest = point;
    if (Number.isNaN(point.value)) continue;
    min = min === null ? point.value : Math.min(min, point.value);
    max = max === null ? point.value : Math.max(max, point.value);
  }
  return [latest.key, storedValue(latest.value), Number.isNaN(latest.value) ? 1 : 0, latest.timestamp, latest.step, min, max, points.length];
}

function isNewer(a: MetricInput, b: MetricInput): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return comparableValue(a.value) > comparableValue(b.value);
}

function comparableValue(value: number): number {
  return Number.isNaN(value) ? 0 : value;
}

/** NaN is bound as NULL (with is_nan = 1): SQLite has no NaN, and NaN must never reach the journal. */
function storedValue(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function identityOf(key: string, step: number, timestamp: number, value: number | null, isNan: boolean): string {
  const valueKey = isNan || value === null ? 'NaN' : value === 0 ? '0' : String(value);
  return `${key}\u0000${step}\u0000${timestamp}\u0000${valueKey}`;
}

/** Keeps the first of identical points; a later repeat may still contribute the model it names. */
function dedupe(metrics: readonly MetricInput[]): Map<string, MetricInput> {
  const unique = new Map<string, MetricInput>();
  for (const metric of metrics) {
    const identity = identityOf(metric.key, metric.step, metric.timestamp, metric.value, Number.isNaN(metric.value));
    const kept = unique.get(identity);
    if (!kept) unique.set(identity, metric);
    else if (!kept.modelId && metric.modelId) unique.set(identity, { ...kept, ...modelLink(metric) });
  }
  return unique;
}

function modelLink(metric: MetricInput): Partial<MetricInput> {
  return { modelId: metric.modelId, datasetName: metric.datasetName, datasetDigest: metric.datasetDigest };
}

/**
 * Finds stored points that the new ones repeat. New points normally come after the history's last
 * one, and then nothing is read; otherwise a history logged in order is searched by step (a few
 * reads), and another is read whole.
 */
function findExisting(tx: WriteTransaction, runId: string, key: string, state: SeriesState, points: readonly MetricInput[]): Map<string, ExistingPoint> {
  const existing = new Map<string, ExistingPoint>();
  const last = state.last;
  // In a history logged in order, a point after the last one is new; in another, any may repeat.
  const candidates = !last
    ? []
    : state.inOrder
      ? points.filter((p) => compareHistory(p.step, p.timestamp, p.value, last.step, last.timestamp, last.value) <= 0)
      : points;
  if (candidates.length === 0) return existing;
  const series = { runId, seriesId: state.seriesId };
  const wanted = new Set(candidates.map((p) => identityOf(key, p.step, p.timestamp, p.value, Number.isNaN(p.value))));
  const visit = (seq: number, step: number, timestamp: number, value: number): void => {
    const identity = identityOf(key, step, timestamp, value, Number.isNaN(value));
    if (!wanted.has(identity)) return;
    const entry = existing.get(identity) ?? { unlinked: [], modelIds: new Set<string>() };
    entry.unlinked.push(seq);
    existing.set(identity, entry);
  };
  if (state.inOrder) {
    for (const step of new Set(candidates.map((p) => p.step))) {
      let at = firstAtStep(tx, series, state.count, step);
      for (; at < state.count; at += 256) {
        const page = tx.series.read(series, at, Math.min(256, state.count - at));
        let past = false;
        for (let i = 0; i < page.steps.length; i++) {
          if (page.steps[i] !== step) {
            past = true;
            break;
          }
          visit(at + i, page.steps[i], page.timestamps[i], page.values[i]);
        }
        if (past) break;
      }
    }
  } else {
    // One pass over the history, looking closer only at the steps of the new points.
    const steps = new Set(candidates.map((p) => p.step));
    tx.series.scan(series, state.count, (seq, step, timestamp, value) => {
      if (steps.has(step)) visit(seq, step, timestamp, value);
    });
  }
  if (existing.size === 0) return existing;
  // Which of those points are linked to models already.
  const links = tx.values('SELECT seq, model_id FROM metrics WHERE run_id = ? AND key = ? AND model_id IS NOT NULL', [runId, key]) as [number, string][];
  const modelOf = new Map(links);
  for (const entry of existing.values()) {
    const unlinked = entry.unlinked.filter((seq) => {
      const model = modelOf.get(seq);
      if (model !== undefined) entry.modelIds.add(model);
      return model === undefined;
    });
    entry.unlinked.splice(0, entry.unlinked.length, ...unlinked);
  }
  return existing;
}

/** The position of the first point at `step` or after, in a history logged in order (binary search). */
function firstAtStep(tx: WriteTransaction, series: { runId: string; seriesId: number }, count: number, step: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (tx.series.read(series, mid, 1).steps[0] < step) low = mid + 1;
    else high = mid;
  }
  return low;
}
