// Issue 16: OTLP spans arrive one request per span (MLflow's client exports each span as it ends);
// concurrent requests share one database write and one append per trace file (group commit), each
// request is answered only once its spans are stored, and a request whose spans cannot be stored
// fails alone. Over a real sql.js store and span files in a temporary folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { newTraceId, span } from './traceFixtures';

describe('span ingestion (group commit)', () => {
  let dir: string;
  let db: Database;
  let traces: TraceStore;
  let experimentId: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-span-ingest-'));
    db = await Database.open();
    traces = new TraceStore(db, new SpanFiles(path.join(dir, 'traces')));
    experimentId = new TrackingStore(db).createExperiment({ name: 'genai' });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('concurrent single-span requests share writes, and each is answered once its span is stored', async () => {
    const traceIds = [newTraceId(), newTraceId(), newTraceId()];
    let writes = 0;
    const listening = db.onDidWrite(() => writes++);
    const requests = Array.from({ length: 60 }, (_, i) => {
      const traceId = traceIds[i % traceIds.length];
      const sent = span({ traceId, name: `step_${i}`, startMs: 1000 + i, durationMs: 1 });
      return traces.logSpans(experimentId, [sent]).then(() => {
        // Answered: the span's outline and payload are both there.
        assert.ok(traces.spanOutlines(traceId).some((outline) => outline.name === `step_${i}`), `step_${i} outlined when answered`);
        return sent;
      });
    });
    await Promise.all(requests);
    listening.dispose();
    // The first request flushes alone; the 59 that came while it did share the next flush.
    assert.ok(writes <= 2, `${writes} database writes for 60 requests`);
    for (const traceId of traceIds) {
      assert.equal(traces.spanOutlines(traceId).length, 20);
      assert.equal((await traces.readSpans(traceId)).length, 20);
      // One append per trace per flush: at most two writes' worth of lines, all whole.
      const lines = readFileSync(path.join(dir, 'traces', `${traceId}.jsonl`), 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 20);
    }
  });

  test('a request whose spans cannot be stored fails alone; the ones flushed with it are stored', async () => {
    const good = newTraceId();
    const broken = newTraceId();
    // A folder where the trace's span file should be: appending to it fails, as on a failing disk.
    mkdirSync(path.join(dir, 'traces', `${broken}.jsonl`), { recursive: true });
    const first = traces.logSpans(experimentId, [span({ traceId: good, name: 'first', startMs: 1, durationMs: 1 })]);
    const outcomes = await Promise.allSettled([
      first,
      traces.logSpans(experimentId, [span({ traceId: good, name: 'second', startMs: 2, durationMs: 1 })]),
      traces.logSpans(experimentId, [span({ traceId: broken, name: 'lost', startMs: 3, durationMs: 1 })]),
      traces.logSpans(experimentId, [span({ traceId: good, name: 'third', startMs: 4, durationMs: 1 })]),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(traces.spanOutlines(good).map((outline) => outline.name).sort(), ['first', 'second', 'third']);
    assert.deepEqual(traces.spanOutlines(broken), [], 'no outline names a span that is not on disk');
  });

  test('a request for an unknown experiment is refused before it joins a flush', async () => {
    const traceId = newTraceId();
    await assert.rejects(traces.logSpans('987654', [span({ traceId, name: 'x', startMs: 1, durationMs: 1 })]), /987654/);
    assert.deepEqual(await traces.readSpans(traceId), []);
  });
});
