import type { Database } from '../src/core/store/database';
import type { Param } from '../src/core/store/databaseApi';
import type { MetricInput } from '../src/core/store/tracking/metricWrites';

/**
 * The metric writes of the store bench, as plain data, so that each figure can be taken through
 * the real TrackingStore and through the bare persistence layer (SQL only) to see what each costs.
 */
const keysPerRun = 10;
export const stepsPerBatch = 100;
export const pointsPerBatch = keysPerRun * stepsPerBatch;

/** Batch `n` of a run: `stepsPerBatch` steps of every key, continuing the run's steps. */
export function metricBatch(n: number, startStep: number): MetricInput[] {
  const metrics: MetricInput[] = [];
  for (let s = 0; s < stepsPerBatch; s++) {
    const step = startStep + s;
    for (let k = 0; k < keysPerRun; k++) {
      // A NaN now and then: it takes another path through the store (is_nan, min/max).
      const value = (n + s + k) % 997 === 0 ? Number.NaN : Math.sin(step / 50 + k) * (k + 1);
      metrics.push({ key: `metric_${k}`, value, timestamp: 1_700_000_000_000 + step * 1000, step });
    }
  }
  return metrics;
}

const insertMetric = `INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
  VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)`;
const upsertLatest = `INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
    timestamp = excluded.timestamp, step = excluded.step,
    min_value = min(coalesce(latest_metrics.min_value, excluded.min_value), coalesce(excluded.min_value, latest_metrics.min_value)),
    max_value = max(coalesce(latest_metrics.max_value, excluded.max_value), coalesce(excluded.max_value, latest_metrics.max_value)),
    point_count = latest_metrics.point_count + excluded.point_count`;

/** What a log-batch writes, with none of the store's checks: the floor the persistence layer sets. */
export function rawLogBatch(db: Database, runId: string, metrics: readonly MetricInput[]): void {
  const latest = new Map<string, { point: MetricInput; min: number | null; max: number | null; count: number }>();
  for (const point of metrics) {
    const numeric = Number.isNaN(point.value) ? null : point.value;
    const summary = latest.get(point.key);
    if (!summary) {
      latest.set(point.key, { point, min: numeric, max: numeric, count: 1 });
      continue;
    }
    if (point.step >= summary.point.step) summary.point = point;
    if (numeric !== null) {
      summary.min = summary.min === null ? numeric : Math.min(summary.min, numeric);
      summary.max = summary.max === null ? numeric : Math.max(summary.max, numeric);
    }
    summary.count++;
  }
  db.write((tx) => {
    tx.runMany(insertMetric, metrics.map((m) => metricRow(runId, m)));
    tx.runMany(
      upsertLatest,
      [...latest.values()].map(({ point, min, max, count }) => [...metricRow(runId, point), min, max, count]),
    );
  });
}

function metricRow(runId: string, m: MetricInput): Param[] {
  const nan = Number.isNaN(m.value);
  return [runId, m.key, nan ? null : m.value, nan ? 1 : 0, m.timestamp, m.step];
}
