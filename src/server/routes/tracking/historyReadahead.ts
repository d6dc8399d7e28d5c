import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { StoreChanges } from '../../../core/store/storeChange';
import type { TrackingStore } from '../../../core/store/trackingStore';
import { type HistoryPageReply, writeHistoryPage } from './historyPageReply';

/** A get-history page as the client will ask for it: the page after the one just answered. */
export interface HistoryPageRequest {
  readonly runId: string;
  readonly key: string;
  readonly maxResults: number;
  readonly pageToken: string;
}

/**
 * Pages whose reply may be longer than this are not read ahead, so that the pages held stay within
 * `maxPages` times this: MLflow's client asks for 25,000 points a page, ~2-3 MB with a short key.
 */
export const maxReadaheadBytes = 16 * 1024 * 1024;
/** The most a point takes in the reply besides its key: the fields' names and three numbers of 32 bytes at most. */
const pointBytesBesidesKey = 9 + 9 + 13 + 8 + 3 * 32;
/** Pages held (or being written) at once: one per client paging through a history, a few clients. */
const maxPages = 4;
/** A page the client has not asked for by then is dropped: it paged no further. */
const keepMs = 10_000;

interface Readahead {
  readonly runId: string;
  /** Set by any write that may change the run's histories (or the run): the page is not used. */
  stale: boolean;
  readonly reply: Promise<HistoryPageReply | undefined>;
  readonly expiry: NodeJS.Timeout;
}

/**
 * Reads the next page of a metric history ahead, while the client is still parsing the page it
 * just got (MLflow's client pages get-history 25,000 points at a time, 20 requests for 500,000
 * points): its next request is then answered at once. A page read ahead is used only if it is
 * exactly what a fresh read would give now: any write that touches the run (or cannot say which
 * runs it touched) since the page was read makes it stale, and the request reads afresh. Reads
 * wait out an import's long write, as requests do, so no page holds half an import.
 */
export class HistoryReadahead {
  private readonly pages = new Map<string, Readahead>();

  constructor(private readonly store: TrackingStore) {
    store.db.onDidWrite((changes) => this.markStale(changes));
  }

  /**
   * Reads `request`'s page in the background once `afterReply` calls back (the route's: when the
   * reply before it has left, so that reading ahead never holds up its last bytes), in place of
   * any page read ahead for the same request.
   */
  prepare(request: HistoryPageRequest, afterReply: (work: () => void) => void): void {
    const keyBytes = Buffer.byteLength(JSON.stringify(request.key));
    if (request.maxResults * (keyBytes + pointBytesBesidesKey) > maxReadaheadBytes) return;
    const id = idOf(request);
    this.drop(id);
    if (this.pages.size >= maxPages) this.drop(this.pages.keys().next().value as string);
    const readahead: Readahead = {
      runId: request.runId,
      stale: false,
      reply: this.read(request, new Promise<void>((resolve) => afterReply(resolve))).catch(() => undefined),
      expiry: setTimeout(() => this.drop(id), keepMs).unref(),
    };
    // Once read, a page that went stale meanwhile is of no use: free it now.
    void readahead.reply.then(() => {
      if (readahead.stale && this.pages.get(id) === readahead) this.drop(id);
    });
    this.pages.set(id, readahead);
  }

  /**
   * The page read ahead for exactly this request, if it is still what a fresh read gives; undefined
   * to read afresh. The caller must send it without awaiting anything more (a write could come between).
   */
  async take(request: HistoryPageRequest): Promise<HistoryPageReply | undefined> {
    const id = idOf(request);
    const readahead = this.pages.get(id);
    if (!readahead) return undefined;
    const reply = await readahead.reply;
    // Only pages in the map hear of writes: one dropped meanwhile (replaced, expired, stale) is not used.
    if (this.pages.get(id) !== readahead) return undefined;
    this.drop(id);
    return readahead.stale ? undefined : reply;
  }

  private async read(request: HistoryPageRequest, replySent: Promise<void>): Promise<HistoryPageReply> {
    const db = this.store.db;
    await replySent;
    // Never while an import's long write is open: the page would hold half an import.
    await db.longWriteSettled();
    return writeHistoryPage(this.store, request.runId, request.key, request, async () => {
      await yieldToLoop();
      await db.longWriteSettled();
    });
  }

  private markStale(changes: StoreChanges): void {
    for (const readahead of this.pages.values()) {
      if (changes.all || changes.allRuns || changes.runs.has(readahead.runId)) readahead.stale = true;
    }
  }

  private drop(id: string): void {
    const readahead = this.pages.get(id);
    if (!readahead) return;
    clearTimeout(readahead.expiry);
    this.pages.delete(id);
  }
}

function idOf(request: HistoryPageRequest): string {
  return JSON.stringify([request.runId, request.key, request.maxResults, request.pageToken]);
}
