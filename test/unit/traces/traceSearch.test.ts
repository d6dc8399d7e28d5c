// Issue 16: trace search with MLflow's trace filter language, over a real sql.js store and span
// files in a temporary folder. Each filter is checked against the traces it must and must not find.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MlflowError } from '../../../src/core/errors';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { newTraceId, span, traceInfo } from './traceFixtures';

describe('trace search', () => {
  let dir: string;
  let db: Database;
  let traces: TraceStore;
  let experimentId: string;
  const ids: Record<string, string> = {};
  let runId: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-traces-'));
    db = await Database.open();
    const tracking = new TrackingStore(db);
    traces = new TraceStore(db, new SpanFiles(path.join(dir, 'traces')));
    experimentId = tracking.createExperiment({ name: 'genai' });
    runId = tracking.createRun({ experimentId }).info.run_id;
    const specs = [
      { key: 'chat', start: 1000, duration: 120, state: 'OK' as const, tags: { env: 'prod' } as Record<string, string>, run: true },
      { key: 'tool', start: 2000, duration: 40, state: 'OK' as const, tags: { env: 'test' } },
      { key: 'failed', start: 3000, duration: 900, state: 'ERROR' as const, tags: {} as Record<string, string> },
    ];
    for (const spec of specs) {
      const traceId = newTraceId();
      ids[spec.key] = traceId;
      const root = span({ traceId, name: `${spec.key}_root`, startMs: spec.start, durationMs: spec.duration, type: 'CHAIN' });
      const child = span({ traceId, name: spec.key === 'chat' ? 'llm_call' : 'lookup', parent: root, startMs: spec.start + 1, durationMs: 5, type: spec.key === 'chat' ? 'LLM' : 'TOOL' });
      await traces.logSpans(experimentId, [child, root]);
      traces.startTrace(
        traceInfo(traceId, experimentId, spec.start, spec.duration, {
          state: spec.state,
          tags: { ...spec.tags, 'mlflow.traceName': `${spec.key}_root` },
          metadata: spec.run ? { 'mlflow.sourceRun': runId } : {},
        }),
      );
    }
    traces.createAssessment(ids.tool, { assessment_name: 'relevance', feedback: { value: 0.3 }, source: { source_type: 'HUMAN', source_id: 'a' } });
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const found = async (filter: string, orderBy?: string[]) =>
    (await traces.search({ experimentIds: [experimentId], filter, ...(orderBy ? { orderBy } : {}) })).items.map((info) => Object.keys(ids).find((k) => ids[k] === info.trace_id));

  test('newest first by default; order_by on attributes', async () => {
    assert.deepEqual(await found(''), ['failed', 'tool', 'chat']);
    assert.deepEqual(await found('', ['timestamp_ms ASC']), ['chat', 'tool', 'failed']);
    assert.deepEqual(await found('', ['execution_time_ms DESC']), ['failed', 'chat', 'tool']);
  });

  test('status, tags, names, numbers, lists and patterns', async () => {
    assert.deepEqual(await found("status = 'ERROR'"), ['failed']);
    assert.deepEqual(await found("trace.status = 'OK'"), ['tool', 'chat']);
    assert.deepEqual(await found("tags.env = 'prod'"), ['chat']);
    assert.deepEqual(await found("tags.env != 'prod'"), ['tool']);
    assert.deepEqual(await found("tags.env LIKE 'pr%'"), ['chat']);
    assert.deepEqual(await found("trace.name IN ('tool_root', 'chat_root')"), ['tool', 'chat']);
    assert.deepEqual(await found('execution_time_ms > 100'), ['failed', 'chat']);
    assert.deepEqual(await found('timestamp_ms >= 2000 AND execution_time_ms < 100'), ['tool']);
    assert.deepEqual(await found("status = 'ERROR' OR tags.env = 'test'"), ['failed', 'tool']);
  });

  test('spans, feedback, metadata and the run a trace belongs to (made in it or linked)', async () => {
    assert.deepEqual(await found("span.name = 'llm_call'"), ['chat']);
    assert.deepEqual(await found("span.type = 'TOOL'"), ['failed', 'tool']);
    assert.deepEqual(await found("feedback.relevance = '0.3'"), ['tool']);
    assert.deepEqual(await found(`request_metadata.\`mlflow.sourceRun\` = '${runId}'`), ['chat']);
    assert.deepEqual(await found(`attribute.run_id = '${runId}'`), ['chat']);
    traces.linkToRun([ids.failed], runId);
    assert.deepEqual(await found(`run_id = '${runId}'`), ['failed', 'chat']);
  });

  test('a filter MLflow would refuse is a 400 INVALID_PARAMETER_VALUE that points at the fault', async () => {
    for (const bad of ['nonsense ~~ 1', "unknown_attribute = 'x'", "span.nope = 'x'", "status > 'OK'", 'execution_time_ms > ']) {
      await assert.rejects(
        () => found(bad),
        (error: unknown) => MlflowError.is(error, 'INVALID_PARAMETER_VALUE') && /Invalid filter at column/.test(error.message),
        bad,
      );
    }
  });

  test('paging: a full page carries a token (as MLflow), the last page none', async () => {
    const first = await traces.search({ experimentIds: [experimentId], maxResults: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.nextPageToken);
    const second = await traces.search({ experimentIds: [experimentId], maxResults: 2, pageToken: first.nextPageToken });
    assert.equal(second.items.length, 1);
    assert.equal(second.nextPageToken, undefined);
  });

  test('summaries for the sidebar: span counts, tokens, the run', async () => {
    const [chat] = (await traces.searchSummaries({ experimentIds: [experimentId], filter: "tags.env = 'prod'" })).items;
    assert.equal(chat.spanCount, 2);
    assert.equal(chat.name, 'chat_root');
    assert.equal(chat.runId, runId);
    assert.equal(traces.countTraces({ experimentId }), 3);
    assert.equal(traces.countTraces({ runId }), 2);
  });
});
