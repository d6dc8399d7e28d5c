import type { Param, WriteTransaction } from '../database';
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

interface ExistingPoint {
  hasUnlinked: boolean;
  readonly modelIds: Set<string>;
}

/**
 * Appends points to a run's history and folds them into `latest_metrics`, in the caller's
 * transaction. As in MLflow, a point identical to one already logged (key, value, timestamp, step)
 * is not stored twice; when the repeat names a model (the client re-logs a run's metrics linked to
 * the model it just logged), the stored point is linked to that model instead.
 */
export function insertMetrics(tx: WriteTransaction, runId: string, metrics: readonly MetricInput[]): void {
  const unique = dedupe(metrics);
  if (unique.size === 0) return;
  const existing = findExisting(tx, runId, [...unique.values()]);
  const fresh: MetricInput[] = [];
  const links: Param[][] = [];
  for (const [identity, point] of unique) {
    const found = existing.get(identity);
    if (!found) {
      fresh.push(point);
    } else if (point.modelId && !found.modelIds.has(point.modelId)) {
      if (found.hasUnlinked) {
        links.push(linkRow(runId, point));
        found.hasUnlinked = false;
      } else {
        fresh.push(point);
      }
    }
  }
  runEach(tx, `INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    fresh.map((point) => [
      runId,
      point.key,
      storedValue(point.value),
      Number.isNaN(point.value) ? 1 : 0,
      point.timestamp,
      point.step,
      point.modelId ?? null,
      point.datasetName ?? null,
      point.datasetDigest ?? null,
    ]),
  );
  runEach(tx, `UPDATE metrics SET model_id = ?, dataset_name = ?, dataset_digest = ?
     WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ? AND is_nan = ? AND value IS ? AND model_id IS NULL`,
    links,
  );
  runEach(tx, upsertLatestSql, summarize(fresh).map((summary) => [runId, ...summary]));
}

// `latest_metrics` keeps the point with the greatest step, then timestamp, then value (NaN counting
// as 0), exactly MLflow's rule, so out-of-order steps never move "latest" backwards. Every SET
// expression sees the row as it was before the update.
const newer = `(excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND
  (excluded.timestamp > latest_metrics.timestamp OR (excluded.timestamp = latest_metrics.timestamp AND
  COALESCE(excluded.value, 0) > COALESCE(latest_metrics.value, 0)))))`;
const upsertLatestSql = `
  INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, key) DO UPDATE SET
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

/** Per key: the latest of the new points, their min and max (NaN left out) and their count. */
function summarize(points: readonly MetricInput[]): Param[][] {
  const byKey = new Map<string, { latest: MetricInput; min: number | null; max: number | null; count: number }>();
  for (const point of points) {
    const numeric = Number.isNaN(point.value) ? null : point.value;
    const summary = byKey.get(point.key);
    if (!summary) {
      byKey.set(point.key, { latest: point, min: numeric, max: numeric, count: 1 });
      continue;
    }
    if (isNewer(point, summary.latest)) summary.latest = point;
    if (numeric !== null) {
      summary.min = summary.min === null ? numeric : Math.min(summary.min, numeric);
      summary.max = summary.max === null ? numeric : Math.max(summary.max, numeric);
    }
    summary.count += 1;
  }
  return [...byKey.values()].map(({ latest, min, max, count }) => [
    latest.key,
    storedValue(latest.value),
    Number.isNaN(latest.value) ? 1 : 0,
    latest.timestamp,
    latest.step,
    min,
    max,
    count,
  ]);
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
 * Finds stored points that the new ones repeat, with one indexed range query per 500 keys: new
 * points normally have new steps or timestamps, so this usually reads nothing.
 */
function findExisting(tx: WriteTransaction, runId: string, points: readonly MetricInput[]): Map<string, ExistingPoint> {
  let minStep = Infinity;
  let maxStep = -Infinity;
  let minTime = Infinity;
  let maxTime = -Infinity;
  const keys = new Set<string>();
  for (const point of points) {
    keys.add(point.key);
    minStep = Math.min(minStep, point.step);
    maxStep = Math.max(maxStep, point.step);
    minTime = Math.min(minTime, point.timestamp);
    maxTime = Math.max(maxTime, point.timestamp);
  }
  const existing = new Map<string, ExistingPoint>();
  for (const part of chunks([...keys])) {
    const rows = tx.all<{ key: string; step: number; timestamp: number; value: number | null; is_nan: number; model_id: string | null }>(
      `SELECT key, step, timestamp, value, is_nan, model_id FROM metrics
       WHERE run_id = ? AND key IN (${placeholders(part.length)}) AND step BETWEEN ? AND ? AND timestamp BETWEEN ? AND ?`,
      [runId, ...part, minStep, maxStep, minTime, maxTime],
    );
    for (const row of rows) {
      const identity = identityOf(row.key, row.step, row.timestamp, row.value, row.is_nan === 1);
      const entry = existing.get(identity) ?? { hasUnlinked: false, modelIds: new Set<string>() };
      if (row.model_id === null) entry.hasUnlinked = true;
      else entry.modelIds.add(row.model_id);
      existing.set(identity, entry);
    }
  }
  return existing;
}

function linkRow(runId: string, point: MetricInput): Param[] {
  return [
    point.modelId ?? null,
    point.datasetName ?? null,
    point.datasetDigest ?? null,
    runId,
    point.key,
    point.step,
    point.timestamp,
    Number.isNaN(point.value) ? 1 : 0,
    storedValue(point.value),
  ];
}
