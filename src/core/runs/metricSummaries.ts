import type { MetricSummary } from './runReadModels';
import type { TrackingStore } from '../store/trackingStore';

/** Columns in the order the query selects them; read as arrays, which is several times faster than objects. */
type SummaryRow = [
  runId: string,
  key: string,
  value: number | null,
  isNan: number,
  timestamp: number,
  step: number,
  minValue: number | null,
  maxValue: number | null,
  pointCount: number,
];

const chunkSize = 500;

/**
 * Last, min, max and point count of every metric of the given runs, by run then key. Read from
 * `latest_metrics`, which the store keeps up to date on every write, so a table of 10,000 runs
 * never reads a metric history.
 *
 * TrackingStore has no method for these columns yet; this is the one place that reads them, with
 * bound parameters only. Runs without metrics are absent from the map.
 */
export function readMetricSummaries(tracking: TrackingStore, runIds: readonly string[]): Map<string, Map<string, MetricSummary>> {
  const byRun = new Map<string, Map<string, MetricSummary>>();
  const unique = [...new Set(runIds)];
  for (let start = 0; start < unique.length; start += chunkSize) {
    const part = unique.slice(start, start + chunkSize);
    const rows = tracking.db.values(
      `SELECT run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count FROM latest_metrics
       WHERE run_id IN (${part.map(() => '?').join(', ')})`,
      part,
    ) as SummaryRow[];
    for (const row of rows) {
      let metrics = byRun.get(row[0]);
      if (!metrics) byRun.set(row[0], (metrics = new Map()));
      metrics.set(row[1], summaryOf(row));
    }
  }
  return byRun;
}

function summaryOf([, key, value, isNan, timestamp, step, minValue, maxValue, pointCount]: SummaryRow): MetricSummary {
  return {
    key,
    last: isNan ? NaN : (value ?? NaN),
    lastStep: step,
    lastTimestamp: timestamp,
    // NULL when every value was NaN: min and max leave NaN out.
    min: minValue ?? NaN,
    max: maxValue ?? NaN,
    points: pointCount,
  };
}
