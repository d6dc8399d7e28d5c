import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { HistoryPaging } from '../../../core/store/tracking/metricHistory';
import type { TrackingStore } from '../../../core/store/trackingStore';
import type { EncodedJson } from '../../jsonBytes';
import { MetricHistoryReply } from './metricHistoryReply';

/**
 * Points read and written per step of the event loop: a page of MLflow's client (25,000) in one,
 * a longer page (max_results is unbounded, and absent means the whole history) in several, each
 * well under DESIGN.md's 50 ms.
 */
const pointsPerSlice = 25_000;

export interface HistoryPageReply {
  readonly reply: EncodedJson;
  readonly nextPageToken?: string;
}

/**
 * get-history's reply for one page, read and written a slice at a time. `beforeSlice` runs before
 * every slice but the first (which is read at once, as the request asked): the route yields to
 * the event loop there, the readahead also waits out a long write.
 */
export async function writeHistoryPage(
  store: TrackingStore,
  runId: string,
  key: string,
  paging: HistoryPaging,
  beforeSlice: () => Promise<unknown> = yieldToLoop,
): Promise<HistoryPageReply> {
  // Histories are long (DESIGN.md budgets 25,000 points): no object per point, the reply writes its bytes itself.
  const page = store.metricHistoryPage(runId, key, paging);
  const reply = new MetricHistoryReply(key);
  for (let from = 0; from < page.count; from += pointsPerSlice) {
    if (from > 0) await beforeSlice();
    reply.add(page.read(from, pointsPerSlice));
  }
  return { reply: reply.finish(page.nextPageToken), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}
