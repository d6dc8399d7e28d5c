import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Route } from '../../route';
import { MetricHistoryReply } from './metricHistoryReply';
import { RequestFields } from './requestFields';

const base = '/api/2.0/mlflow/metrics';
/**
 * Points read and written per step of the event loop: a page of MLflow's client (25,000) in one,
 * a longer page (max_results is unbounded, and absent means the whole history) in several, each
 * well under DESIGN.md's 50 ms.
 */
const pointsPerSlice = 25_000;

export const metricRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: `${base}/get-history`,
    handler: async (context) => {
      const fields = RequestFields.of(context, 'GET');
      const runId = fields.runId();
      const key = fields.string('metric_key');
      const paging = {
        maxResults: fields.optionalInt('max_results'),
        pageToken: fields.optionalString('page_token') || undefined,
      };
      // Histories are long (DESIGN.md budgets 25,000 points): no object per point, the reply writes its bytes itself.
      const page = context.store.metricHistoryPage(runId, key, paging);
      const reply = new MetricHistoryReply(key);
      for (let from = 0; from < page.count; from += pointsPerSlice) {
        if (from > 0) await yieldToLoop();
        reply.add(page.read(from, pointsPerSlice));
      }
      return reply.finish(page.nextPageToken);
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
