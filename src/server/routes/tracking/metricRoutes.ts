import type { Route } from '../../route';
import { RequestFields } from './requestFields';
import { pageReply } from '../pageReply';

const base = '/api/2.0/mlflow/metrics';

export const metricRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: `${base}/get-history`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      const runId = fields.runId();
      const page = context.store.getMetricHistory(runId, fields.string('metric_key'), {
        maxResults: fields.optionalInt('max_results'),
        pageToken: fields.optionalString('page_token') || undefined,
      });
      return pageReply('metrics', page.metrics, page.nextPageToken);
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
