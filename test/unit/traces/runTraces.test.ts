// Issue 16, item 5: a run's dashboard lists its traces (made in it or linked to it, newest first,
// with status, latency, spans and tokens), and the compare view counts each run's traces and their
// median latency. Through the DashboardService over a real sql.js store and span files.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashboardService } from '../../../src/dashboards/dashboardService';
import { ArtifactStore } from '../../../src/core/store/artifactStore';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { newTraceId, span, traceInfo } from './traceFixtures';

describe("a run's traces on the dashboards", () => {
  let dir: string;
  let db: Database;
  let traces: TraceStore;
  let service: DashboardService;
  let experimentId: string;
  let tracedRun: string;
  let linkedRun: string;
  let quietRun: string;
  const made: Record<string, string> = {};

  /** A trace of a root and `children` LLM spans (7 + 3 tokens each), made in `runId` when given. */
  async function logTrace(key: string, startMs: number, durationMs: number | undefined, options: { runId?: string; children?: number; error?: boolean } = {}) {
    const traceId = newTraceId();
    made[key] = traceId;
    const root = span({ traceId, name: key, startMs, durationMs: durationMs ?? 1, error: options.error ? 'boom' : undefined });
    const children = Array.from({ length: options.children ?? 0 }, (_, i) =>
      span({ traceId, name: `llm_${i}`, parent: root, startMs: startMs + i, durationMs: 1, type: 'LLM', tokens: { input: 7, output: 3 } }),
    );
    await traces.logSpans(experimentId, [...children, root]);
    // A trace still running has spans but no info yet: StartTraceV3 comes when it ends.
    if (durationMs === undefined) return;
    traces.startTrace(
      traceInfo(traceId, experimentId, startMs, durationMs, {
        state: options.error ? 'ERROR' : 'OK',
        tags: { 'mlflow.traceName': key },
        metadata: options.runId ? { 'mlflow.sourceRun': options.runId } : {},
      }),
    );
  }

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-run-traces-'));
    db = await Database.open();
    const tracking = new TrackingStore(db);
    traces = new TraceStore(db, new SpanFiles(path.join(dir, 'traces')));
    service = new DashboardService({ tracking, artifacts: new ArtifactStore(path.join(dir, 'artifacts')), traces });
    experimentId = tracking.createExperiment({ name: 'agents' });
    tracedRun = tracking.createRun({ experimentId, runName: 'traced' }).info.run_id;
    linkedRun = tracking.createRun({ experimentId, runName: 'linked' }).info.run_id;
    quietRun = tracking.createRun({ experimentId, runName: 'quiet' }).info.run_id;
    await logTrace('first', 1000, 120, { runId: tracedRun, children: 2 });
    await logTrace('second', 2000, 40, { runId: tracedRun });
    await logTrace('failed', 3000, 900, { runId: tracedRun, error: true });
    await logTrace('elsewhere', 4000, 10);
    await logTrace('linked', 5000, 300);
    // A trace of another experiment, linked to the run afterwards (link_traces_to_run takes any trace).
    const home = experimentId;
    experimentId = tracking.createExperiment({ name: 'evaluation' });
    await logTrace('from elsewhere', 5500, 50);
    experimentId = home;
    traces.linkToRun([made.linked, made['from elsewhere']], linkedRun);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("run/get lists the run's traces newest first with state, latency, spans and tokens", async () => {
    const model = await service.handle('run/get', { runId: tracedRun });
    assert.equal(model.traces?.total, 3);
    assert.deepEqual(
      model.traces?.items.map((trace) => [trace.name, trace.state, trace.executionMs, trace.spanCount, trace.inputTokens, trace.outputTokens]),
      [
        ['failed', 'ERROR', 900, 1, 0, 0],
        ['second', 'OK', 40, 1, 0, 0],
        ['first', 'OK', 120, 3, 14, 6],
      ],
    );
    assert.equal(model.traces?.items[0].traceId, made.failed);
  });

  test("traces linked to a run are listed with it, from any experiment; a run without traces has an empty list", async () => {
    const linked = await service.handle('run/get', { runId: linkedRun });
    assert.equal(linked.traces?.total, 2);
    assert.deepEqual(
      linked.traces?.items.map((trace) => trace.traceId),
      [made['from elsewhere'], made.linked],
    );
    assert.deepEqual((await service.handle('run/get', { runId: quietRun })).traces, { total: 0, items: [] });
  });

  test('compare/get counts each run’s traces and their median latency; a trace in progress counts but has no latency', async () => {
    const before = await service.handle('compare/get', { runIds: [tracedRun, linkedRun, quietRun] });
    assert.deepEqual(
      before.runs.map((run) => run.traces),
      [{ count: 3, medianMs: 120 }, { count: 2, medianMs: (50 + 300) / 2 }, { count: 0 }],
    );
    // Four traces: the median is halfway between the middle two (120 and 900).
    await logTrace('slow', 6000, 2000, { runId: tracedRun });
    const inProgress = newTraceId();
    await traces.logSpans(experimentId, [span({ traceId: inProgress, name: 'child', parent: span({ traceId: inProgress, name: 'root', startMs: 7000, durationMs: 1 }), startMs: 7001, durationMs: 1 })]);
    traces.linkToRun([inProgress], tracedRun);
    const after = await service.handle('compare/get', { runIds: [tracedRun, linkedRun] });
    assert.deepEqual(after.runs[0].traces, { count: 5, medianMs: (120 + 900) / 2 });
  });
});
