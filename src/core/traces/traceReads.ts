import { notFound } from '../errors';
import type { Reader } from '../store/databaseApi';
import { chunks, placeholders } from '../store/tracking/sqlHelpers';
import { assessmentsOf } from './assessments';
import { msToDuration, msToTimestamp } from './protoTime';
import { traceMetadataKeys, traceTagKeys, type TraceInfo, type TraceState } from './traceInfo';

export interface TraceRow {
  readonly trace_id: string;
  readonly experiment_id: number;
  readonly request_time: number;
  readonly execution_ms: number | null;
  readonly state: string;
  readonly request_preview: string;
  readonly response_preview: string;
  readonly client_request_id: string | null;
}

/** The traces' infos in the order of `traceIds`; unknown ids are left out. */
export function traceInfos(db: Reader, traceIds: readonly string[]): TraceInfo[] {
  const rows = new Map<string, TraceRow>();
  for (const part of chunks([...traceIds])) {
    for (const row of db.all<TraceRow>(`SELECT * FROM traces WHERE trace_id IN (${placeholders(part.length)})`, part)) rows.set(row.trace_id, row);
  }
  const known = traceIds.filter((id) => rows.has(id));
  const tags = entriesOf(db, 'trace_tags', known);
  const metadata = entriesOf(db, 'trace_metadata', known);
  const assessments = assessmentsOf(db, known);
  return known.map((id) => {
    const row = rows.get(id)!;
    const traceAssessments = assessments.get(id);
    return {
      trace_id: row.trace_id,
      ...(row.client_request_id !== null ? { client_request_id: row.client_request_id } : {}),
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: String(row.experiment_id) } },
      request_time: msToTimestamp(row.request_time),
      ...(row.execution_ms !== null ? { execution_duration: msToDuration(row.execution_ms) } : {}),
      state: row.state as TraceState,
      trace_metadata: metadata.get(id) ?? {},
      tags: tags.get(id) ?? {},
      ...(traceAssessments !== undefined ? { assessments: traceAssessments } : {}),
      request_preview: row.request_preview,
      response_preview: row.response_preview,
    };
  });
}

export function getTraceInfo(db: Reader, traceId: string): TraceInfo {
  const [info] = traceInfos(db, [traceId]);
  if (info === undefined) throw notFound(`Trace with ID '${traceId}' not found.`);
  return info;
}

/**
 * Whether the store holds all of a trace's spans: as many as the client counted
 * (`mlflow.trace.sizeStats`). MLflow's server serves a trace in batchGet only then; a trace
 * whose info does not say is complete once it has any span.
 */
export function completeTraceIds(db: Reader, infos: readonly TraceInfo[]): Set<string> {
  const counts = spanCounts(db, infos.map((info) => info.trace_id));
  const complete = new Set<string>();
  for (const info of infos) {
    const stored = counts.get(info.trace_id) ?? 0;
    const expected = expectedSpans(info.trace_metadata[traceMetadataKeys.sizeStats]);
    if (stored > 0 && stored >= (expected ?? 1)) complete.add(info.trace_id);
  }
  return complete;
}

function expectedSpans(sizeStats: string | undefined): number | undefined {
  if (sizeStats === undefined) return undefined;
  try {
    const count = (JSON.parse(sizeStats) as { num_spans?: unknown }).num_spans;
    return typeof count === 'number' ? count : undefined;
  } catch {
    return undefined;
  }
}

function spanCounts(db: Reader, traceIds: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const part of chunks([...traceIds])) {
    for (const row of db.values(`SELECT trace_id, COUNT(*) FROM trace_spans WHERE trace_id IN (${placeholders(part.length)}) GROUP BY trace_id`, part)) {
      counts.set(row[0] as string, row[1] as number);
    }
  }
  return counts;
}

function entriesOf(db: Reader, table: 'trace_tags' | 'trace_metadata', traceIds: readonly string[]): Map<string, Record<string, string>> {
  const byTrace = new Map<string, Record<string, string>>();
  for (const part of chunks([...traceIds])) {
    for (const [traceId, key, value] of db.values(`SELECT trace_id, key, value FROM ${table} WHERE trace_id IN (${placeholders(part.length)})`, part)) {
      const entries = byTrace.get(traceId as string) ?? {};
      entries[key as string] = value as string;
      byTrace.set(traceId as string, entries);
    }
  }
  return byTrace;
}

/** What the sidebar and dashboards show of a trace without reading its spans. */
export interface TraceSummary {
  readonly traceId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly state: string;
  readonly requestTimeMs: number;
  readonly executionMs: number | null;
  readonly spanCount: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The run it was made in (mlflow.sourceRun), if any. */
  readonly runId?: string;
}

/** Summaries of the traces, in the order of `traceIds`. */
export function traceSummaries(db: Reader, traceIds: readonly string[]): TraceSummary[] {
  const byId = new Map<string, TraceSummary>();
  for (const part of chunks([...traceIds])) {
    const rows = db.values(
      `SELECT t.trace_id, t.experiment_id, t.state, t.request_time, t.execution_ms,
         (SELECT value FROM trace_tags WHERE trace_id = t.trace_id AND key = ?),
         (SELECT value FROM trace_metadata WHERE trace_id = t.trace_id AND key = ?),
         (SELECT COUNT(*) FROM trace_spans WHERE trace_id = t.trace_id),
         (SELECT COALESCE(SUM(input_tokens), 0) FROM trace_spans WHERE trace_id = t.trace_id),
         (SELECT COALESCE(SUM(output_tokens), 0) FROM trace_spans WHERE trace_id = t.trace_id)
       FROM traces AS t WHERE t.trace_id IN (${placeholders(part.length)})`,
      [traceTagKeys.traceName, traceMetadataKeys.sourceRun, ...part],
    );
    for (const [id, experimentId, state, requestTime, executionMs, name, runId, spans, input, output] of rows) {
      byId.set(id as string, {
        traceId: id as string,
        experimentId: String(experimentId),
        name: (name as string | null) ?? '',
        state: state as string,
        requestTimeMs: requestTime as number,
        executionMs: executionMs as number | null,
        spanCount: spans as number,
        inputTokens: input as number,
        outputTokens: output as number,
        ...(typeof runId === 'string' && runId !== '' ? { runId } : {}),
      });
    }
  }
  return traceIds.flatMap((id) => byId.get(id) ?? []);
}
