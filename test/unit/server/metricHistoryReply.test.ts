import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Metric } from '../../../src/core/entities';
import { encodeOffsetToken } from '../../../src/core/search/paging';
import { toJson } from '../../../src/server/json';
import { pageReply } from '../../../src/server/routes/pageReply';
import { MetricHistoryReply } from '../../../src/server/routes/tracking/metricHistoryReply';
import { startTestServer, type TestServer } from './support/testServer';

/** What the reply was before it was written by hand: the page's objects through toJson. */
function viaStringify(metrics: readonly Metric[], nextPageToken?: string): string {
  return toJson(pageReply('metrics', metrics, nextPageToken));
}

/** The reply written from the page's columns, given `slice` points at a time as the route reads them. */
function viaReply(key: string, metrics: readonly Metric[], nextPageToken?: string, slice = 25_000): string {
  const reply = new MetricHistoryReply(key);
  for (let from = 0; from < metrics.length; from += slice) {
    const points = metrics.slice(from, from + slice);
    reply.add({
      steps: Float64Array.from(points, (point) => point.step),
      timestamps: Float64Array.from(points, (point) => point.timestamp),
      values: Float64Array.from(points, (point) => point.value),
    });
  }
  const encoded = reply.finish(nextPageToken);
  const bytes = Buffer.concat(encoded.chunks);
  assert.equal(bytes.length, encoded.byteLength);
  return bytes.toString('utf8');
}

const awkwardKeys = [
  'loss',
  'say "hi"',
  'back\\slash/and/slash',
  'tab\tnew\nline\r',
  '\u0000\u0001\u001f\u007f',
  'é ü 中文 🚀',
  'lone \ud800 surrogate \udfff',
  '</script><!--',
  'line\u2028separator\u2029',
];

const awkwardValues = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  -1.5,
  1e21,
  1e-7,
  5e-324,
  Number.MAX_VALUE,
  2 ** 53,
  0.1 + 0.2,
  1 / 3,
  123456789.125,
  -2.5e-300,
];

/** Every awkward value, then sines across forty orders of magnitude; steps from -5 up, in history order. */
function history(key: string, count: number): Metric[] {
  return Array.from({ length: count }, (_, i) => ({
    key,
    value: i < awkwardValues.length ? awkwardValues[i] : Math.sin(i) * 10 ** ((i % 40) - 20),
    timestamp: 1_700_000_000_000 + i * 37,
    step: i - 5,
  }));
}

describe('get-history reply written by hand', () => {
  test('is byte for byte what toJson writes for the page, for any key and every kind of value', () => {
    for (const key of awkwardKeys) {
      const metrics = history(key, 40);
      assert.equal(viaReply(key, metrics), viaStringify(metrics), `key ${JSON.stringify(key)}`);
      assert.equal(viaReply(key, metrics, 'eyJvZmZzZXQiOiA0MH0='), viaStringify(metrics, 'eyJvZmZzZXQiOiA0MH0='));
    }
  });

  test('a history longer than its first chunks, written in slices of any size, comes out whole', () => {
    const metrics = history('long', 60_000);
    const text = viaReply('long', metrics, encodeOffsetToken(60_000));
    assert.equal(text, viaStringify(metrics, encodeOffsetToken(60_000)));
    assert.equal(viaReply('long', metrics, undefined, 7_001), viaStringify(metrics), 'uneven slices');
    assert.equal(viaReply('long', metrics.slice(0, 40), undefined, 1), viaStringify(metrics.slice(0, 40)), 'a point per slice');
    assert.equal((JSON.parse(text) as { metrics: unknown[] }).metrics.length, 60_000);
  });

  test('an empty page is {} (with its token alone when there is one), as pageReply leaves the empty list out', () => {
    assert.equal(viaReply('k', []), '{}');
    assert.equal(viaReply('k', []), viaStringify([]));
    assert.equal(viaReply('k', [], 'dG9rZW4='), viaStringify([], 'dG9rZW4='));
  });
});

describe('metrics/get-history over HTTP', () => {
  let t: TestServer;
  let runId: string;
  // Multi-byte UTF-8 in the key (MLflow's key rules refuse quotes and control characters, tested above).
  const key = 'val/loss é 中文: 1.0';
  const points = history(key, 2_345);

  before(async () => {
    t = await startTestServer();
    runId = t.store.createRun({ experimentId: '0', runName: 'history' }).info.run_id;
    for (let first = 0; first < points.length; first += 1000) {
      t.store.logBatch(runId, { metrics: points.slice(first, first + 1000) });
    }
  });
  after(async () => {
    await t?.close();
  });
  afterEach(() => assert.deepEqual(t.logged, [], 'no request ended in a 500'));

  const getHistory = (query: Record<string, string>) =>
    t.client.get(`/api/2.0/mlflow/metrics/get-history?${new URLSearchParams({ run_id: runId, metric_key: key, ...query })}`);

  test('the whole history: the bytes toJson writes for the store history, with its length and type', async () => {
    const expected = viaStringify(t.store.getMetricHistory(runId, key).metrics);
    for (const query of [{ max_results: '25000' }, {}] as Record<string, string>[]) {
      const reply = await getHistory(query);
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['content-type'], 'application/json');
      assert.equal(Number(reply.headers['content-length']), reply.body.length);
      assert.equal(reply.text, expected);
    }
    const parsed = (await getHistory({})).json<{ metrics: { value: unknown }[] }>();
    assert.equal(parsed.metrics.length, points.length);
    assert.deepEqual(parsed.metrics.slice(0, 3).map((point) => point.value), ['NaN', 'Infinity', '-Infinity']);
  });

  test('pages follow max_results and page_token, each as toJson writes it, and add up to the whole history', async () => {
    const seen: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const reply = await getHistory({ max_results: '1000', ...(token ? { page_token: token } : {}) });
      const page = t.store.getMetricHistory(runId, key, { maxResults: 1000, pageToken: token });
      assert.equal(reply.text, viaStringify(page.metrics, page.nextPageToken));
      const body = reply.json<{ metrics: unknown[]; next_page_token?: string }>();
      seen.push(...body.metrics);
      token = body.next_page_token;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, (await getHistory({})).json<{ metrics: unknown[] }>().metrics);

    const exact = await getHistory({ max_results: String(points.length) });
    assert.equal(exact.json<Record<string, unknown>>().next_page_token, undefined, 'a page that ends the history has no token');
  });

  test('a page longer than a slice of the event loop (25,000 points) is read and written in slices, and comes out whole', async () => {
    const longKey = 'long/history';
    const long = history(longKey, 60_001);
    for (let first = 0; first < long.length; first += 1000) t.store.logBatch(runId, { metrics: long.slice(first, first + 1000) });
    const whole = await getHistory({ metric_key: longKey });
    assert.equal(whole.text, viaStringify(t.store.getMetricHistory(runId, longKey).metrics));
    assert.equal(whole.json<{ metrics: unknown[] }>().metrics.length, long.length);
    const page = await getHistory({ metric_key: longKey, max_results: '50000', page_token: encodeOffsetToken(10_000) });
    const expected = t.store.getMetricHistory(runId, longKey, { maxResults: 50_000, pageToken: encodeOffsetToken(10_000) });
    assert.equal(page.text, viaStringify(expected.metrics, expected.nextPageToken));
  });

  test('a point logged between two pages is in the next one, as a fresh read gives it, though the server read that page ahead', async () => {
    const first = await getHistory({ max_results: '1000' });
    const token = first.json<{ next_page_token: string }>().next_page_token;
    // The server reads the next page ahead once the first has left; give it the time to.
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.store.logBatch(runId, { metrics: [{ key, value: 7.25, timestamp: 5, step: 1200 }] });
    const second = await getHistory({ max_results: '1000', page_token: token });
    const expected = t.store.getMetricHistory(runId, key, { maxResults: 1000, pageToken: token });
    assert.ok(expected.metrics.some((point) => point.value === 7.25), 'the point sorts into the second page');
    assert.equal(second.text, viaStringify(expected.metrics, expected.nextPageToken));
  });

  test('an unknown key is {}; bad paging and an unknown run are MLflow errors', async () => {
    assert.equal((await getHistory({ metric_key: 'never logged' })).text, '{}');
    const tooFew = await getHistory({ max_results: '0' });
    assert.equal(tooFew.status, 400);
    assert.equal(tooFew.json().error_code, 'INVALID_PARAMETER_VALUE');
    const badToken = await getHistory({ page_token: 'not a token' });
    assert.equal(badToken.status, 400);
    assert.equal(badToken.json().error_code, 'INVALID_PARAMETER_VALUE');
    const noRun = await getHistory({ run_id: 'f'.repeat(32) });
    assert.equal(noRun.status, 404);
    assert.equal(noRun.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
  });
});
