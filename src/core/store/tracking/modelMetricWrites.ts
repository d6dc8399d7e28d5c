import type { WriteTransaction } from '../databaseApi';
import type { MetricInput } from './metricWrites';
import { runEach } from './sqlHelpers';

/**
 * Keeps the points logged with a `model_id` as the model's metrics too, in `logged_model_metrics`
 * (MLflow's table of the same name), apart from the run's metric history: logged-models/get
 * and search read a model's metrics from here, whatever becomes of where histories are stored.
 * The same point logged again is stored once.
 */
export function recordModelMetrics(tx: WriteTransaction, runId: string, metrics: readonly MetricInput[]): void {
  const linked = metrics.filter((metric) => metric.modelId);
  if (linked.length === 0) return;
  runEach(
    tx,
    `INSERT OR IGNORE INTO logged_model_metrics
       (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, is_nan, run_id, dataset_name, dataset_digest)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    linked.map((metric) => [
      metric.modelId!,
      metric.key,
      metric.timestamp,
      metric.step,
      Number.isNaN(metric.value) ? null : metric.value,
      Number.isNaN(metric.value) ? 1 : 0,
      runId,
      metric.datasetName ?? null,
      metric.datasetDigest ?? null,
    ]),
  );
}

/**
 * `logged_model_metrics` under the column names of a metric point (`key`, `value`, `timestamp`,
 * `step`), for the logged-model search's filters and order by a model's metrics.
 */
export const modelMetricPoints = `(SELECT model_id, metric_name AS key, metric_value AS value, is_nan,
  metric_timestamp_ms AS timestamp, metric_step AS step, dataset_name, dataset_digest FROM logged_model_metrics)`;
