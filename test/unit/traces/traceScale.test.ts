// Traces at the sizes of DESIGN.md's budgets: search over 100,000 traces, a 10,000-span trace ready for
// the viewer. What is asserted is the behaviour at that size; the times are printed beside their budgets
// (100 ms, 1 s) as figures, not asserted: a loaded machine must not fail a test. The ingestion stall
// (1,000 spans/s, <= 50 ms) is a bench row: bench/traces.bench.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { buildTraceModel } from '../../../src/dashboards/traceModel';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import type { SpanJson } from '../../../src/core/traces/spanJson';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { newTraceId, span, traceInfo } from './traceFixtures';
import { rareTraceIndex, searchShapes, seedTraces, workloadTraceCount, workloadTraceId } from './traceSearchWorkload';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

describe('traces at the budgets\' sizes', () => {
  test('search over 100,000 traces: a full page, filtered and ordered', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-trace-budget-'));
    const db = await Database.open();
    t.after(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const experimentId = new TrackingStore(db).createExperiment({ name: 'many' });
    const traces = new TraceStore(db, new SpanFiles(path.join(dir, 'traces')));
    seedTraces(db, experimentId);
    const newestPage = Array.from({ length: 100 }, (_, i) => workloadTraceId(workloadTraceCount - 1 - i));
    for (const shape of searchShapes) {
      let found: string[] = [];
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        times.push(await timed(async () => (found = (await traces.search({ experimentIds: [experimentId], maxResults: 100, ...shape.request })).items.map((info) => info.trace_id))));
      }
      t.diagnostic(`${shape.what}: ${median(times).toFixed(1)} ms median for ${found.length} of ${workloadTraceCount} traces (budget 100 ms)`);
      if (shape.finds === 'the rare trace') assert.deepEqual(found, [workloadTraceId(rareTraceIndex)], shape.what);
      else if (shape.finds === 'the newest page') assert.deepEqual(found, newestPage, shape.what);
      else assert.equal(found.length, 100, shape.what);
    }
  });

  test('a 10,000-span trace is read and modelled for the viewer whole', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-trace-budget-'));
    const db = await Database.open();
    t.after(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const experimentId = new TrackingStore(db).createExperiment({ name: 'big' });
    const traces = new TraceStore(db, new SpanFiles(path.join(dir, 'traces')));
    const traceId = newTraceId();
    const root = span({ traceId, name: 'agent', startMs: 1000, durationMs: 20_000, type: 'AGENT' });
    const spans: SpanJson[] = [root];
    for (let i = 1; i < 10_000; i++) {
      const parent = spans[Math.floor((i - 1) / 4)];
      spans.push(span({ traceId, name: `step_${i % 40}`, parent, startMs: 1000 + i, durationMs: 1, type: i % 3 === 0 ? 'LLM' : 'TOOL', inputs: { kvlist_value: { values: [{ key: 'i', value: { int_value: i } }] } }, tokens: i % 3 === 0 ? { input: 10, output: 5 } : undefined }));
    }
    await traces.logSpans(experimentId, spans);
    traces.startTrace(traceInfo(traceId, experimentId, 1000, 20_000));
    const start = performance.now();
    const model = buildTraceModel(traces.getTraceInfo(traceId), await traces.readSpans(traceId));
    const ms = performance.now() - start;
    t.diagnostic(`10,000 spans read and modelled in ${ms.toFixed(0)} ms (budget 1,000 ms)`);
    assert.equal(model.spans.length, 10_000);
    assert.equal(model.spans[0].name, 'agent');
    assert.equal(model.inputTokens, 3333 * 10);
  });
});
