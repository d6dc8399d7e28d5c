// Issue 16: `span.content` and `text` LIKE/ILIKE, as MLflow 3.6 matches them against each span's
// JSON, over a real sql.js store and real span files in a temporary folder: SQL picks the
// candidates, the span files decide, a page at a time, without holding the event loop.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import type { SpanJson } from '../../../src/core/traces/spanJson';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { span, traceInfo } from './traceFixtures';

function traceIdOf(i: number): string {
  return `tr-${i.toString(16).padStart(32, '0')}`;
}

function withOutputs(spanJson: SpanJson, outputs: string): SpanJson {
  return { ...spanJson, attributes: [...(spanJson.attributes ?? []), { key: 'mlflow.spanOutputs', value: { string_value: outputs } }] };
}

describe('span.content and text', () => {
  let dir: string;
  let db: Database;
  let spanFiles: SpanFiles;
  let traces: TraceStore;
  let experimentId: string;
  const ids: Record<string, string> = {};

  /** A trace of one root span and one child, stored as the server stores them. */
  async function addTrace(key: string, startMs: number, root: Partial<{ name: string; inputs: string; outputs: string }>, extra: { requestPreview?: string; child?: string } = {}): Promise<string> {
    const traceId = traceIdOf(Object.keys(ids).length + 1);
    ids[key] = traceId;
    let rootSpan = span({ traceId, name: root.name ?? 'agent', startMs, durationMs: 10, ...(root.inputs ? { inputs: { string_value: root.inputs } } : {}) });
    if (root.outputs) rootSpan = withOutputs(rootSpan, root.outputs);
    const child = span({ traceId, name: extra.child ?? 'llm_call', parent: rootSpan, startMs: startMs + 1, durationMs: 5, type: 'LLM' });
    await traces.logSpans(experimentId, [rootSpan, child]);
    traces.startTrace(traceInfo(traceId, experimentId, startMs, 10, { tags: { 'mlflow.traceName': root.name ?? 'agent' }, ...(extra.requestPreview ? { requestPreview: extra.requestPreview } : {}) }));
    return traceId;
  }

  const found = async (filter: string) =>
    (await traces.search({ experimentIds: [experimentId], filter })).items.map((info) => Object.keys(ids).find((key) => ids[key] === info.trace_id)).sort();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-span-content-'));
    db = await Database.open();
    spanFiles = new SpanFiles(path.join(dir, 'traces'));
    traces = new TraceStore(db, spanFiles);
    experimentId = new TrackingStore(db).createExperiment({ name: 'content' });
    await addTrace('inputs', 1000, { inputs: '{"question": "Where is my Refund?"}' });
    await addTrace('outputs', 2000, { outputs: '{"answer": "50% off, code A_B"}' });
    await addTrace('named', 3000, { name: 'refund_agent' });
    await addTrace('child', 4000, {}, { child: 'vector_lookup' });
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('span.content LIKE finds a pattern in any span: inputs, outputs, attributes, names', async () => {
    assert.deepEqual(await found("span.content LIKE '%Refund?%'"), ['inputs']);
    assert.deepEqual(await found("span.content LIKE '%50\\% off%'"), ['outputs']);
    assert.deepEqual(await found("span.content LIKE '%refund_agent%'"), ['named']);
    assert.deepEqual(await found("span.content LIKE '%vector_lookup%'"), ['child']);
    // Attributes as the span's JSON writes them, keys included.
    assert.deepEqual(await found("span.content LIKE '%mlflow.spanOutputs%'"), ['outputs']);
    assert.deepEqual(await found("span.content LIKE '%llm_call%'"), ['inputs', 'named', 'outputs']);
  });

  test('LIKE is case-sensitive, ILIKE folds case; % and _ are wildcards, a backslash makes them literal', async () => {
    assert.deepEqual(await found("span.content LIKE '%refund?%'"), []);
    assert.deepEqual(await found("span.content ILIKE '%REFUND?%'"), ['inputs']);
    assert.deepEqual(await found("span.content LIKE '%code A_B%'"), ['outputs']);
    assert.deepEqual(await found("span.content LIKE '%code A\\_B%'"), ['outputs']);
    assert.deepEqual(await found("span.content LIKE '%50_ off%'"), ['outputs']);
    assert.deepEqual(await found("span.content LIKE '%5\\_ off%'"), []);
    // The whole JSON must match: without leading and trailing %, a span is matched from its first character.
    assert.deepEqual(await found("span.content LIKE 'Refund'"), []);
    assert.deepEqual(await found("span.content LIKE '{\"trace_id\":%vector_lookup%}'"), ['child']);
  });

  test('ANDed with other fields: SQL narrows first, the files decide; text also matches the previews and the name', async () => {
    assert.deepEqual(await found("span.content ILIKE '%refund%' AND timestamp_ms > 1500"), ['named']);
    assert.deepEqual(await found("span.content ILIKE '%refund%' AND span.content LIKE '%Where%'"), ['inputs']);
    assert.deepEqual(await found("text ILIKE '%refund%'"), ['inputs', 'named']);
    // A trace whose spans never came is found by its preview alone.
    ids.previewOnly = traceIdOf(99);
    traces.startTrace(traceInfo(ids.previewOnly, experimentId, 5000, 1, { requestPreview: 'a refund request' }));
    assert.deepEqual(await found("text ILIKE '%refund%'"), ['inputs', 'named', 'previewOnly']);
    assert.deepEqual(await found("span.content ILIKE '%refund%'"), ['inputs', 'named']);
  });

  test('a span sent again is matched as last sent', async () => {
    const traceId = ids.child;
    const [first] = await spanFiles.read(traceId);
    await traces.logSpans(experimentId, [{ ...first, name: 'renamed_root' }]);
    assert.deepEqual(await found("span.content LIKE '%renamed_root%'"), ['child']);
    const stale = (await spanFiles.read(traceId)).find((s) => s.span_id !== first.span_id)!;
    assert.ok(stale);
    assert.deepEqual(await found(`span.content LIKE '%"name":"agent"%' AND request_id = '${traceId}'`), []);
  });
});

describe('span.content over many traces', () => {
  let dir: string;
  let db: Database;
  let spanFiles: SpanFiles;
  let traces: TraceStore;
  let experimentId: string;
  const count = 10_000;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-span-content-many-'));
    db = await Database.open();
    spanFiles = new SpanFiles(path.join(dir, 'traces'));
    traces = new TraceStore(db, spanFiles);
    experimentId = new TrackingStore(db).createExperiment({ name: 'many' });
    mkdirSync(spanFiles.dir, { recursive: true });
    db.write((tx) =>
      tx.runMany(
        'INSERT INTO traces (trace_id, experiment_id, request_time, execution_ms, state, info_logged) VALUES (?, ?, ?, ?, ?, 1)',
        Array.from({ length: count }, (_, i) => [traceIdOf(i), Number(experimentId), 1_700_000_000_000 + i * 1000, 5, 'OK']),
      ),
    );
    // Written as ingestion writes them (one JSON line a span); every 7th trace mentions a discount.
    for (let i = 0; i < count; i++) {
      const traceId = traceIdOf(i);
      const root = span({ traceId, name: 'agent', startMs: i, durationMs: 3, inputs: { string_value: `{"question": "order ${i}${i % 7 === 0 ? ' with discount' : ''}"}` } });
      const child = span({ traceId, name: 'llm_call', parent: root, startMs: i + 1, durationMs: 1 });
      writeFileSync(spanFiles.pathOf(traceId), `${JSON.stringify(root)}\n${JSON.stringify(child)}\n`);
    }
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('pages in order, each token resuming after the last trace examined, until the last page', async () => {
    const expected = Array.from({ length: 300 }, (_, k) => count - 1 - k)
      .filter((i) => i % 7 === 0)
      .map(traceIdOf);
    const seen: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 3; page++) {
      const result = await traces.search({ experimentIds: [experimentId], filter: "span.content LIKE '%with discount%'", maxResults: 10, ...(pageToken ? { pageToken } : {}) });
      assert.equal(result.items.length, 10);
      assert.ok(result.nextPageToken, 'a full page carries a token');
      seen.push(...result.items.map((info) => info.trace_id));
      pageToken = result.nextPageToken;
    }
    assert.deepEqual(seen, expected.slice(0, 30));
    // The oldest matches, then none: the last page has no token.
    const last = await traces.search({ experimentIds: [experimentId], filter: "span.content LIKE '%with discount%' AND timestamp_ms < 1700000050000", maxResults: 10 });
    assert.deepEqual(
      last.items.map((info) => info.trace_id),
      [49, 42, 35, 28, 21, 14, 7, 0].map(traceIdOf),
    );
    assert.equal(last.nextPageToken, undefined);
  });

  test('the oldest trace alone matches: found after every batch, newest first (resumed by key) or by another order (by offset)', async () => {
    const filter = "span.content LIKE '%order 0 with discount%'";
    const newestFirst = await traces.search({ experimentIds: [experimentId], filter, maxResults: 5 });
    assert.deepEqual(
      newestFirst.items.map((info) => info.trace_id),
      [traceIdOf(0)],
    );
    assert.equal(newestFirst.nextPageToken, undefined);
    const oldestFirst = await traces.search({ experimentIds: [experimentId], filter: "span.content LIKE '%with discount%'", orderBy: ['timestamp_ms ASC'], maxResults: 3 });
    assert.deepEqual(
      oldestFirst.items.map((info) => info.trace_id),
      [0, 7, 14].map(traceIdOf),
    );
    const next = await traces.search({ experimentIds: [experimentId], filter: "span.content LIKE '%with discount%'", orderBy: ['timestamp_ms ASC'], maxResults: 3, pageToken: oldestFirst.nextPageToken });
    assert.deepEqual(
      next.items.map((info) => info.trace_id),
      [21, 28, 35].map(traceIdOf),
    );
  });

  test('a missing span file is no match; an unreadable or damaged one is skipped and reported, the search goes on', async () => {
    // The newest traces that mention a discount: 9996, 9989, 9982, 9975.
    const missing = traceIdOf(9996);
    const unreadable = traceIdOf(9989);
    const damaged = traceIdOf(9982);
    rmSync(spanFiles.pathOf(missing));
    rmSync(spanFiles.pathOf(unreadable));
    mkdirSync(spanFiles.pathOf(unreadable));
    const good = `${JSON.stringify(span({ traceId: damaged, name: 'agent', startMs: 1, durationMs: 1, inputs: { string_value: 'with discount' } }))}\n`;
    writeFileSync(spanFiles.pathOf(damaged), `{"not json\n${good}`);
    const result = await traces.search({ experimentIds: [experimentId], filter: "span.content LIKE '%with discount%' AND timestamp_ms > 1700009970000", maxResults: 10 });
    assert.deepEqual(
      result.items.map((info) => info.trace_id),
      [9982, 9975].map(traceIdOf),
    );
    assert.deepEqual(result.skipped?.map((skip) => skip.traceId), [unreadable, damaged]);
    assert.match(result.skipped?.[0].reason ?? '', /could not be read \(EISDIR\)/);
    assert.match(result.skipped?.[1].reason ?? '', /not JSON/);
  });

  test('searching 10,000 span files for a pattern none holds never holds the event loop 50 ms', async (t) => {
    // The gap between two timer ticks is the task that ran between them, plus any time the machine
    // gave the process no core (on a loaded machine, 100 ms with an idle loop). The process's CPU
    // time over the gap counts the task alone (and a little of the file reads' threads): that is held.
    let longestGap = 0;
    let longestBusy = 0;
    let last = performance.now();
    let lastCpu = process.cpuUsage();
    let running = true;
    const tick = (): void => {
      const now = performance.now();
      const cpu = process.cpuUsage(lastCpu);
      longestGap = Math.max(longestGap, now - last);
      longestBusy = Math.max(longestBusy, (cpu.user + cpu.system) / 1000);
      last = now;
      lastCpu = process.cpuUsage();
      if (running) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const start = performance.now();
    const result = await traces.search({ experimentIds: [experimentId], filter: "span.content LIKE '%nowhere to be found%'", maxResults: 100 });
    const took = performance.now() - start;
    running = false;
    assert.deepEqual(result.items, []);
    t.diagnostic(
      `10,000 span files searched in ${took.toFixed(0)} ms; longest event loop gap ${longestGap.toFixed(1)} ms wall, ${longestBusy.toFixed(1)} ms of CPU (budget 50 ms); load ${os.loadavg()[0].toFixed(1)}`,
    );
    assert.ok(longestBusy < 50, `a task held the loop for ${longestBusy.toFixed(1)} ms of CPU`);
  });
});
