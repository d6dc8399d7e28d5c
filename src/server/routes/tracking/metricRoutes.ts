import type { TrackingStore } from '../../../core/store/trackingStore';
import type { Route } from '../../route';
import { writeHistoryPage } from './historyPageReply';
import { HistoryReadahead } from './historyReadahead';
import { RequestFields } from './requestFields';

const base = '/api/2.0/mlflow/metrics';

/** One readahead per store (a server serves one), made on the first get-history. */
const readaheads = new WeakMap<TrackingStore, HistoryReadahead>();

function readaheadOf(store: TrackingStore): HistoryReadahead {
  let readahead = readaheads.get(store);
  if (!readahead) {
    readahead = new HistoryReadahead(store);
    readaheads.set(store, readahead);
  }
  return readahead;
}

export const metricRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: `${base}/get-history`,
    handler: async (context) => {
      const fields = RequestFields.of(context, 'GET');
      const runId = fields.runId();
      const key = fields.string('metric_key');
      const maxResults = fields.optionalInt('max_results');
      const pageToken = fields.optionalString('page_token') || undefined;
      const readahead = readaheadOf(context.store);
      const ahead = maxResults !== undefined && pageToken !== undefined ? await readahead.take({ runId, key, maxResults, pageToken }) : undefined;
      const page = ahead ?? (await writeHistoryPage(context.store, runId, key, { maxResults, pageToken }));
      // A client that got a token asks for the next page as soon as it has parsed this one.
      if (maxResults !== undefined && page.nextPageToken !== undefined) readahead.prepare({ runId, key, maxResults, pageToken: page.nextPageToken }, context.afterReply);
      return page.reply;
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
