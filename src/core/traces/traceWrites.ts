import { invalidParameter, notFound } from '../errors';
import type { Param, Reader, WriteTransaction } from '../store/databaseApi';
import { traceArtifactUri } from '../store/tracking/artifactUris';
import { requireExperiment, requireRun } from '../store/tracking/lookups';
import { chunks, placeholders, runEach } from '../store/tracking/sqlHelpers';
import { isSafeTraceId } from './spanFiles';
import type { IngestedSpan } from './spanAttributes';
import { spansInTrackingStore, traceTagKeys, type StartTraceInput } from './traceInfo';

/** MLflow's limits on trace tag keys and values (MAX_CHARS_IN_TRACE_INFO_TAGS_*). */
const maxTagKeyLength = 250;
const maxTagValueLength = 8000;
/** `link-to-run` takes at most this many traces per request, as MLflow. */
export const maxLinkedTraces = 100;

export function requireSafeTraceId(traceId: string): void {
  if (!isSafeTraceId(traceId)) throw invalidParameter(`Invalid trace id '${traceId}': expected letters, digits, '-' and '_'.`);
}

export function requireTrace(db: Reader, traceId: string): { experiment_id: number } {
  const row = db.get<{ experiment_id: number }>('SELECT experiment_id FROM traces WHERE trace_id = ?', [traceId]);
  if (row === undefined) throw notFound(`Trace with ID '${traceId}' not found.`);
  return row;
}

/**
 * StartTraceV3 (sent when the trace ends, despite its name): the trace's info, merged over what
 * its OTLP spans already created. The server adds where the spans live and where an artifact
 * upload would go, as MLflow's server does.
 */
export function startTrace(tx: WriteTransaction, input: StartTraceInput): void {
  requireSafeTraceId(input.traceId);
  const experiment = requireExperiment(tx, input.experimentId);
  tx.run(
    `INSERT INTO traces (trace_id, experiment_id, request_time, execution_ms, state, request_preview, response_preview, client_request_id, info_logged)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT (trace_id) DO UPDATE SET experiment_id = excluded.experiment_id, request_time = excluded.request_time,
       execution_ms = excluded.execution_ms, state = excluded.state, request_preview = excluded.request_preview,
       response_preview = excluded.response_preview, client_request_id = excluded.client_request_id, info_logged = 1`,
    [
      input.traceId,
      experiment.experiment_id,
      input.requestTimeMs,
      input.executionMs ?? null,
      input.state,
      input.requestPreview ?? '',
      input.responsePreview ?? '',
      input.clientRequestId ?? null,
    ],
  );
  setEntries(tx, 'trace_metadata', input.traceId, input.metadata);
  const tags = { ...input.tags, ...serverTags(experiment.artifact_location, input.traceId) };
  validateTags(tags);
  setEntries(tx, 'trace_tags', input.traceId, tags);
}

/** Tags the server sets on every trace whose spans it stores. */
function serverTags(experimentLocation: string, traceId: string): Record<string, string> {
  return {
    [traceTagKeys.artifactLocation]: traceArtifactUri(experimentLocation, traceId),
    [traceTagKeys.spansLocation]: spansInTrackingStore,
  };
}

/**
 * Outlines of spans that OTLP delivered. A trace first seen through its spans gets a row in
 * progress (its info comes with StartTraceV3); until then its root span, when it arrives, gives
 * the trace its time, state and name, so that traces from plain OpenTelemetry exporters (which
 * never call StartTraceV3) read complete too.
 */
export function logSpanOutlines(tx: WriteTransaction, experimentId: string, outlines: readonly IngestedSpan[]): void {
  const experiment = requireExperiment(tx, experimentId);
  const byTrace = new Map<string, IngestedSpan[]>();
  for (const outline of outlines) {
    requireSafeTraceId(outline.traceId);
    const list = byTrace.get(outline.traceId) ?? [];
    list.push(outline);
    byTrace.set(outline.traceId, list);
  }
  for (const [traceId, spans] of byTrace) {
    const existing = tx.get<{ info_logged: number; request_time: number }>('SELECT info_logged, request_time FROM traces WHERE trace_id = ?', [traceId]);
    const earliestMs = Math.min(...spans.map((span) => nsToMs(span.startNs)));
    if (existing === undefined) {
      tx.run(
        `INSERT INTO traces (trace_id, experiment_id, request_time, execution_ms, state, info_logged) VALUES (?, ?, ?, NULL, 'IN_PROGRESS', 0)`,
        [traceId, experiment.experiment_id, earliestMs],
      );
      setEntries(tx, 'trace_tags', traceId, serverTags(experiment.artifact_location, traceId));
    }
    const root = spans.find((span) => span.parentSpanId === null);
    if (root !== undefined && existing?.info_logged !== 1) {
      const startMs = nsToMs(root.startNs);
      tx.run(`UPDATE traces SET request_time = ?, execution_ms = ?, state = ? WHERE trace_id = ?`, [
        startMs,
        Math.max(0, nsToMs(root.endNs) - startMs),
        root.status === 'ERROR' ? 'ERROR' : 'OK',
        traceId,
      ]);
      tx.run('INSERT OR IGNORE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)', [traceId, traceTagKeys.traceName, root.name]);
    }
    runEach(
      tx,
      `INSERT OR REPLACE INTO trace_spans (trace_id, span_id, parent_span_id, name, span_type, status, start_ns, end_ns, input_tokens, output_tokens, function_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      spans.map((s) => [traceId, s.spanId, s.parentSpanId, s.name, s.spanType, s.status, s.startNs, s.endNs, s.inputTokens, s.outputTokens, s.functionName]),
    );
    logSpanAttributes(tx, traceId, spans);
  }
}

/** The spans' searchable attributes; a span sent again keeps only its latest ones. */
export function logSpanAttributes(tx: WriteTransaction, traceId: string, spans: readonly IngestedSpan[]): void {
  runEach(
    tx,
    'DELETE FROM trace_span_attributes WHERE trace_id = ? AND span_id = ?',
    spans.map((span) => [traceId, span.spanId]),
  );
  runEach(
    tx,
    'INSERT OR REPLACE INTO trace_span_attributes (trace_id, key, span_id, value) VALUES (?, ?, ?, ?)',
    spans.flatMap((span) => span.attributes.map((attribute) => [traceId, attribute.key, span.spanId, attribute.value])),
  );
}

function nsToMs(ns: string): number {
  // Dropping the last six digits keeps the milliseconds exact beyond 2^53 nanoseconds.
  return ns.length <= 6 ? 0 : Number(ns.slice(0, -6));
}

export function setTraceTag(tx: WriteTransaction, traceId: string, key: string, value: string): void {
  requireTrace(tx, traceId);
  validateTags({ [key]: value });
  tx.run('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)', [traceId, key, value]);
}

export function deleteTraceTag(tx: WriteTransaction, traceId: string, key: string): void {
  const found = tx.get('SELECT 1 AS found FROM trace_tags WHERE trace_id = ? AND key = ?', [traceId, key]);
  if (found === undefined) throw notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
  tx.run('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?', [traceId, key]);
}

export interface DeleteTracesInput {
  readonly experimentId: string;
  /** Traces that started at or before this time, oldest first... */
  readonly maxTimestampMs?: number;
  /** ...at most this many of them. */
  readonly maxTraces?: number;
  /** Or these traces (those in the experiment). */
  readonly traceIds?: readonly string[];
}

/** Deletes traces by age or by id (exactly one criterion, as MLflow); returns the ids deleted. */
export function deleteTraces(tx: WriteTransaction, input: DeleteTracesInput): string[] {
  const byAge = input.maxTimestampMs !== undefined;
  const byIds = input.traceIds !== undefined && input.traceIds.length > 0;
  if (byAge === byIds) {
    throw invalidParameter('Exactly one of `max_timestamp_millis` and `request_ids` must be specified.');
  }
  const experiment = requireExperiment(tx, input.experimentId);
  let ids: string[];
  if (byAge) {
    const limit = input.maxTraces !== undefined && input.maxTraces > 0 ? input.maxTraces : -1;
    ids = tx
      .values('SELECT trace_id FROM traces WHERE experiment_id = ? AND request_time <= ? ORDER BY request_time, trace_id LIMIT ?', [
        experiment.experiment_id,
        input.maxTimestampMs!,
        limit,
      ])
      .map((row) => row[0] as string);
  } else {
    ids = chunks(input.traceIds!).flatMap((part) =>
      tx
        .values(`SELECT trace_id FROM traces WHERE experiment_id = ? AND trace_id IN (${placeholders(part.length)})`, [experiment.experiment_id, ...part])
        .map((row) => row[0] as string),
    );
  }
  for (const part of chunks(ids)) {
    const list = placeholders(part.length);
    const tables = ['traces', 'trace_tags', 'trace_metadata', 'trace_spans', 'trace_span_attributes', 'trace_attributes_pending', 'trace_run_links', 'assessments'];
    for (const table of tables) {
      tx.run(`DELETE FROM ${table} WHERE trace_id IN (${list})`, part);
    }
  }
  return ids;
}

/** Links traces to a run (search by `run_id` then finds them); ids of unknown traces are skipped, as MLflow. */
export function linkTracesToRun(tx: WriteTransaction, traceIds: readonly string[], runId: string): void {
  if (traceIds.length > maxLinkedTraces) {
    throw invalidParameter(`Cannot link more than ${maxLinkedTraces} traces to a run in a single request. Provided ${traceIds.length} traces.`);
  }
  requireRun(tx, runId);
  const known = chunks([...traceIds]).flatMap((part) =>
    tx.values(`SELECT trace_id FROM traces WHERE trace_id IN (${placeholders(part.length)})`, part).map((row) => row[0] as string),
  );
  runEach(
    tx,
    'INSERT OR IGNORE INTO trace_run_links (trace_id, run_id) VALUES (?, ?)',
    known.map((id) => [id, runId]),
  );
}

function setEntries(tx: WriteTransaction, table: 'trace_tags' | 'trace_metadata', traceId: string, entries: Readonly<Record<string, string>>): void {
  const rows: Param[][] = Object.entries(entries).map(([key, value]) => [traceId, key, value]);
  runEach(tx, `INSERT OR REPLACE INTO ${table} (trace_id, key, value) VALUES (?, ?, ?)`, rows);
}

function validateTags(tags: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key === '' || key.length > maxTagKeyLength) {
      throw invalidParameter(`A trace tag key must have 1 to ${maxTagKeyLength} characters; got '${key.slice(0, 50)}'.`);
    }
    if (typeof value !== 'string' || value.length > maxTagValueLength) {
      throw invalidParameter(`The value of trace tag '${key}' must be a string of at most ${maxTagValueLength} characters.`);
    }
  }
}
