import assert from 'node:assert/strict';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Metric } from '../../../src/core/entities';
import { encodeOffsetToken } from '../../../src/core/search/paging';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import type { EncodedJson } from '../../../src/server/jsonBytes';
import { writeHistoryPage } from '../../../src/server/routes/tracking/historyPageReply';
import { type HistoryPageRequest, HistoryReadahead } from '../../../src/server/routes/tracking/historyReadahead';

function text(reply: EncodedJson | undefined): string | undefined {
  return reply && Buffer.concat(reply.chunks).toString('utf8');
}

function points(count: number, firstStep = 0): Metric[] {
  return Array.from({ length: count }, (_, i) => ({ key: 'loss', value: Math.sin(i) / 3, timestamp: 1_700_000_000_000 + i, step: firstStep + i }));
}

/** The reply to `request` read now, as the route reads a page with no readahead. */
async function fresh(store: TrackingStore, request: HistoryPageRequest): Promise<string | undefined> {
  return text((await writeHistoryPage(store, request.runId, request.key, request)).reply);
}

describe('get-history readahead', () => {
  let db: Database;
  let store: TrackingStore;
  let readahead: HistoryReadahead;
  let runId: string;
  let otherRunId: string;
  let request: HistoryPageRequest;
  /** The reply before the page has left: the test says when, with `replySent`. */
  let replySent: () => void;
  const afterReply = (work: () => void): void => {
    replySent = work;
  };
  /** Lets the page be read ahead, and waits until it has been (a page of a single slice is read at once). */
  const readAhead = async (): Promise<void> => {
    replySent();
    await yieldToLoop();
  };

  beforeEach(async () => {
    replySent = () => assert.fail('no page was prepared');
    db = await Database.open();
    store = new TrackingStore(db);
    readahead = new HistoryReadahead(store);
    runId = store.createRun({ experimentId: '0', runName: 'read' }).info.run_id;
    otherRunId = store.createRun({ experimentId: '0', runName: 'other' }).info.run_id;
    const history = points(3_000);
    for (let first = 0; first < history.length; first += 1000) store.logBatch(runId, { metrics: history.slice(first, first + 1000) });
    store.logBatch(otherRunId, { metrics: points(10) });
    request = { runId, key: 'loss', maxResults: 1000, pageToken: encodeOffsetToken(1000) };
  });
  afterEach(() => db.close());

  test('a page read ahead is byte for byte the fresh read, and is handed out once', async () => {
    readahead.prepare(request, afterReply);
    await readAhead();
    const expected = await fresh(store, request);
    const taken = await readahead.take(request);
    assert.equal(text(taken?.reply), expected);
    assert.equal(taken?.nextPageToken, encodeOffsetToken(2000));
    assert.equal(await readahead.take(request), undefined, 'taken once');
  });

  test('is only for exactly the request it was read for', async () => {
    readahead.prepare(request, afterReply);
    await readAhead();
    assert.equal(await readahead.take({ ...request, maxResults: 999 }), undefined);
    assert.equal(await readahead.take({ ...request, key: 'other' }), undefined);
    assert.equal(await readahead.take({ ...request, pageToken: encodeOffsetToken(999) }), undefined);
    assert.ok(await readahead.take(request), 'still there for the request it was read for');
  });

  test('a request before the page has been read waits for it rather than reading it twice', async () => {
    readahead.prepare(request, afterReply);
    const taken = readahead.take(request);
    replySent();
    assert.equal(text((await taken)?.reply), await fresh(store, request));
  });

  test('a write to the run after the page was read makes it stale: the request reads afresh and sees the write', async () => {
    readahead.prepare(request, afterReply);
    await readAhead();
    const before = await fresh(store, request);
    // A point logged late that sorts into the page read ahead (the history is no longer in logging order).
    store.logBatch(runId, { metrics: [{ key: 'loss', value: 42, timestamp: 1, step: 1500 }] });
    assert.notEqual(await fresh(store, request), before, 'the write changes the page');
    assert.equal(await readahead.take(request), undefined);
  });

  test('a write to the run while the page is being read, or before it is, makes it stale too', async () => {
    readahead.prepare(request, afterReply);
    const taken = readahead.take(request);
    store.logBatch(runId, { metrics: points(1, 5000) });
    replySent();
    assert.equal(await taken, undefined);

    readahead.prepare(request, afterReply);
    store.setTag(runId, 'note', 'a tag is a write to the run as well');
    await readAhead();
    assert.equal(await readahead.take(request), undefined, 'any write to the run after the page was asked for');
  });

  test('a purge of the run makes it stale, so the request gets the fresh read’s error', async () => {
    readahead.prepare(request, afterReply);
    await readAhead();
    store.deleteRun(runId);
    store.purgeRun(runId);
    assert.equal(await readahead.take(request), undefined);
    await assert.rejects(fresh(store, request), /not found/);
  });

  test('a write to another run leaves it as it is', async () => {
    readahead.prepare(request, afterReply);
    await readAhead();
    store.logBatch(otherRunId, { metrics: points(5, 100) });
    assert.equal(text((await readahead.take(request))?.reply), await fresh(store, request));
  });

  test('pages whose reply may be longer than a readahead holds are not read ahead: many points, or a long key', async () => {
    const notAhead = (): void => assert.fail('not read ahead, so nothing waits for the reply');
    const many = { ...request, maxResults: 200_000 };
    readahead.prepare(many, notAhead);
    assert.equal(await readahead.take(many), undefined);
    // 250 two-byte characters: ~640 bytes a point, 19 MB for 30,000 points.
    const longKey = { ...request, key: 'é'.repeat(250), maxResults: 30_000 };
    store.logBatch(runId, { metrics: points(10).map((point) => ({ ...point, key: longKey.key })) });
    readahead.prepare(longKey, notAhead);
    assert.equal(await readahead.take(longKey), undefined);
    // MLflow's client's page of a short key is read ahead.
    const clientPage = { ...request, maxResults: 25_000, pageToken: encodeOffsetToken(0) };
    readahead.prepare(clientPage, afterReply);
    await readAhead();
    assert.equal(text((await readahead.take(clientPage))?.reply), await fresh(store, clientPage));
  });
});
