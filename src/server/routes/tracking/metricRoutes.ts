import type { Route } from '../../route';
import { MetricHistoryReply } from './metricHistoryReply';
import { RequestFields } from './requestFields';

const base = '/api/2.0/mlflow/metrics';

export const metricRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: `${base}/get-history`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      const runId = fields.runId();
      const key = fields.string('metric_key');
      const paging = {
        maxResults: fields.optionalInt('max_results'),
        pageToken: fields.optionalString('page_token') || undefined,
      };
      // Histories are long (DESIGN.md budgets 25,000 points): no object per point, the reply writes its bytes itself.
      const reply = new MetricHistoryReply(key);
      return reply.finish(context.store.visitMetricHistory(runId, key, paging, reply.add));
    },
  },
  {
    method: 'GET',
    path: `${base}/get-history-bulk-interval`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      const metrics = context.store.getMetricHistoryBulkInterval({
        runIds: fields.strings('run_ids', 'run_ids', true),
        metricKey: fields.string('metric_key'),
        startStep: fields.optionalInt('start_step'),
        endStep: fields.optionalInt('end_step'),
        maxResults: fields.optionalInt('max_results'),
      });
      return metrics.length > 0 ? { metrics: metrics } : {};
    },
  },
];
