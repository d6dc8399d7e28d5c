import type { MetricWithRunId } from '../../../core/entities';
import { invalidParameter } from '../../../core/errors';
import type { Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';

const maxRunIds = 100;
const maxHistoryResults = 25000;

/**
 * `GET /ajax-api/2.0/mlflow/metrics/get-history-bulk`: one metric's history for several runs in one
 * call (MLflow's UI charts use it). Runs in id order; of each run its first `max_results` points
 * (history order), sorted by timestamp, step, value as MLflow's handler sorts them; at most
 * `max_results` (25,000 at most, and by default) points in all. MLflow's reply is a plain
 * dict, so `metrics` is there even when empty.
 */
export const metricHistoryBulkRoute: Route = {
  method: 'GET',
  path: '/ajax-api/2.0/mlflow/metrics/get-history-bulk',
  handler: (context) => {
    const runIds = context.query.getAll('run_id');
    if (runIds.length === 0) throw invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > maxRunIds) {
      throw invalidParameter(
        `GetMetricHistoryBulk request cannot specify more than ${maxRunIds} run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    const metricKey = context.query.get('metric_key');
    if (metricKey === null) throw invalidParameter('GetMetricHistoryBulk request must specify a metric_key.');
    // MLflow lets a non-number fail as a 500; RunLens refuses it as the bad parameter it is.
    const requested = RequestFields.of(context, 'GET').optionalInt('max_results') ?? maxHistoryResults;
    const maxResults = Math.min(requested, maxHistoryResults);
    if (maxResults < 1) return { metrics: [] };
    const metrics: MetricWithRunId[] = [];
    for (const runId of [...runIds].sort()) {
      const points: MetricWithRunId[] = context.store
        .getMetricHistory(runId, metricKey, { maxResults })
        .metrics.map((point) => ({ ...point, run_id: runId }));
      points.sort(byTimestampStepValue);
      metrics.push(...points);
      if (metrics.length >= maxResults) break;
    }
    return { metrics: metrics.slice(0, maxResults) };
  },
};

function byTimestampStepValue(a: MetricWithRunId, b: MetricWithRunId): number {
  return a.timestamp - b.timestamp || a.step - b.step || orderedValue(a.value) - orderedValue(b.value);
}

// Python sorts NaN unpredictably; here it sorts first, as the history order has it.
function orderedValue(value: number): number {
  return Number.isNaN(value) ? -Infinity : value;
}
