import type { KeyValue } from '../entities';
import { filterLiteral } from '../search/filterLiteral';
import type { SqlFragment } from '../search/sqlFragment';
import { compileTraceSearch, type TraceSearchRequest } from '../search/traceSearch';
import type { Database } from '../store/database';
import { executeSearch, firstColumn, type SearchRows } from '../store/executeSearch';
import { searchSpanContent, type SkippedTrace } from './contentSearch';
import { ContentSignatures } from './contentSignatures';
import { createAssessment, deleteAssessment, getAssessment, updateAssessment } from './assessments';
import { buildMissingSignatures } from './signatureBuild';
import type { SpanFiles } from './spanFiles';
import { SpanIngest } from './spanIngest';
import { ingestedSpanOf } from './spanAttributes';
import type { SpanJson, SpanOutline } from './spanJson';
import { traceMetadataKeys, type Assessment, type StartTraceInput, type TraceInfo } from './traceInfo';
import { completeTraceIds, getTraceInfo, traceInfos, traceSummaries, type TraceSummary } from './traceReads';
import { endTraceV2, getTraceInfoV2, startTraceV2, type TraceInfoV2 } from './traceV2';
import {
  deleteTraceTag,
  deleteTraces,
  linkTracesToRun,
  logSpanAttributes,
  requireSafeTraceId,
  setTraceTag,
  startTrace,
  type DeleteTracesInput,
} from './traceWrites';

/** Traces indexed per write by indexPendingSpanAttributes: each write reads their span files first. */
const pendingTracesPerWrite = 20;

export interface TracePage<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
  /** Traces a `span.content`/`text` search left out because their span files could not be read. */
  readonly skipped?: readonly SkippedTrace[];
}

function tokenOf(page: { readonly nextPageToken?: string }): { nextPageToken?: string } {
  return page.nextPageToken !== undefined ? { nextPageToken: page.nextPageToken } : {};
}

/** A trace with its spans, as `traces/batchGet` serves it. */
export interface TraceWithSpans {
  readonly trace_info: TraceInfo;
  readonly spans: SpanJson[];
}

/**
 * MLflow 3's traces over the Database (infos, tags, metadata, span outlines, assessments) and
 * SpanFiles (span payloads). Writes to the database are one `db.write` each, durable on return;
 * spans go through SpanIngest, which flushes their payloads to their files before their outlines
 * are written, so an outline never names a span that is not on disk.
 */
export class TraceStore {
  private readonly ingest: SpanIngest;
  private readonly signatures: ContentSignatures;
  private attributeIndexing: Promise<number> | undefined;
  private signatureBuild: Promise<number> | undefined;

  constructor(
    readonly db: Database,
    private readonly spanFiles: SpanFiles,
  ) {
    this.signatures = new ContentSignatures(spanFiles.dir);
    this.ingest = new SpanIngest(db, spanFiles, this.signatures);
  }

  startTrace(input: StartTraceInput): TraceInfo {
    this.db.write((tx) => startTrace(tx, input));
    return getTraceInfo(this.db, input.traceId);
  }

  /**
   * Spans from OTLP, into `experimentId` (the `x-mlflow-experiment-id` header): their ids checked
   * here and their experiment by the group commit (once a batch), so that a bad request fails
   * alone, then durable through the group commit shared with concurrent requests.
   */
  async logSpans(experimentId: string, spans: readonly SpanJson[]): Promise<void> {
    const outlines = spans.map(ingestedSpanOf);
    for (const outline of outlines) requireSafeTraceId(outline.traceId);
    await this.ingest.add(experimentId, spans, outlines);
  }

  /**
   * Records the span attributes of traces stored before they were searchable (schema 9 lists them
   * in `trace_attributes_pending`): reads their span files, a few traces per write, so no step holds
   * the event loop long. WorkspaceStore.open starts it; until it ends, `span.attributes.*` filters
   * miss those traces. Resolves with how many traces it indexed; calls meanwhile share the run.
   */
  indexPendingSpanAttributes(): Promise<number> {
    this.attributeIndexing ??= this.indexPending().finally(() => {
      this.attributeIndexing = undefined;
    });
    return this.attributeIndexing;
  }

  private async indexPending(): Promise<number> {
    let indexed = 0;
    for (;;) {
      const traceIds = this.db.values('SELECT trace_id FROM trace_attributes_pending LIMIT ?', [pendingTracesPerWrite]).map((row) => row[0] as string);
      if (traceIds.length === 0) return indexed;
      const read = await Promise.all(traceIds.map(async (traceId) => ({ traceId, spans: (await this.spanFiles.read(traceId)).map(ingestedSpanOf) })));
      await this.db.groupCommit(() =>
        this.db.write((tx) => {
          for (const { traceId, spans } of read) {
            // Deleted while its file was read: nothing to index.
            if (tx.get('SELECT 1 AS pending FROM trace_attributes_pending WHERE trace_id = ?', [traceId]) === undefined) continue;
            logSpanAttributes(tx, traceId, spans);
            tx.run('DELETE FROM trace_attributes_pending WHERE trace_id = ?', [traceId]);
          }
        }),
      );
      indexed += traceIds.length;
    }
  }

  /**
   * Records the content signatures of traces that have none of their own (stored before
   * signatures existed, or left without one by a crash), in slices between span flushes
   * (signatureBuild.ts). WorkspaceStore.open starts it; until it reaches a trace, content searches
   * read that trace's file. Resolves with how many traces it signed; calls meanwhile share the run.
   */
  buildContentSignatures(): Promise<number> {
    this.signatureBuild ??= buildMissingSignatures({
      db: this.db,
      spanFiles: this.spanFiles,
      signatures: this.signatures,
      exclusive: (task) => this.ingest.exclusive(task),
    }).finally(() => {
      this.signatureBuild = undefined;
    });
    return this.signatureBuild;
  }

  getTraceInfo(traceId: string): TraceInfo {
    return getTraceInfo(this.db, traceId);
  }

  /** The traces whose spans are all stored, with their spans, in the order asked; the rest are left out, as MLflow. */
  async batchGet(traceIds: readonly string[]): Promise<TraceWithSpans[]> {
    const infos = traceInfos(this.db, [...new Set(traceIds)]);
    const complete = completeTraceIds(this.db, infos);
    const result: TraceWithSpans[] = [];
    for (const info of infos) {
      if (complete.has(info.trace_id)) result.push({ trace_info: info, spans: await this.spanFiles.read(info.trace_id) });
    }
    return result;
  }

  /** A trace's spans (for the viewer); none when it has no stored spans. */
  readSpans(traceId: string): Promise<SpanJson[]> {
    requireSafeTraceId(traceId);
    return this.spanFiles.read(traceId);
  }

  /** MLflow's trace search; asynchronous because `span.content` and `text` read span files. */
  async search(request: TraceSearchRequest): Promise<TracePage<TraceInfo>> {
    const page = await this.searchIds(request);
    return { ...page, items: traceInfos(this.db, page.items) };
  }

  /** The same search, summarised for the sidebar and dashboards. */
  async searchSummaries(request: TraceSearchRequest): Promise<TracePage<TraceSummary>> {
    const page = await this.searchIds(request);
    return { ...page, items: traceSummaries(this.db, page.items) };
  }

  /** Traces in an experiment, or made in (or linked to) a run: what the sidebar counts before it lists them. */
  countTraces(scope: { readonly experimentId: string } | { readonly runId: string }): number {
    if ('experimentId' in scope) {
      return (this.db.values('SELECT COUNT(*) FROM traces WHERE experiment_id = ?', [Number(scope.experimentId)])[0]?.[0] as number) ?? 0;
    }
    const [row] = this.db.values(`SELECT COUNT(*) FROM (${runTraceIds})`, [traceMetadataKeys.sourceRun, scope.runId, scope.runId]);
    return (row?.[0] as number) ?? 0;
  }

  /** The experiments holding a run's traces: a trace linked to a run may be in another experiment than the run. */
  runTraceExperimentIds(runId: string): string[] {
    return this.db
      .values(`SELECT DISTINCT experiment_id FROM traces WHERE trace_id IN (${runTraceIds})`, [traceMetadataKeys.sourceRun, runId, runId])
      .map(([id]) => String(id));
  }

  /** How many traces a run has (made in it or linked to it), and the median latency of those that ended: for the compare view. */
  runTraceStats(runId: string): { count: number; medianMs?: number } {
    const scope = [traceMetadataKeys.sourceRun, runId, runId];
    const ended = `SELECT execution_ms FROM traces WHERE trace_id IN (${runTraceIds}) AND execution_ms IS NOT NULL`;
    const timed = (this.db.values(`SELECT COUNT(*) FROM (${ended})`, scope)[0]?.[0] as number) ?? 0;
    const count = this.countTraces({ runId });
    if (timed === 0) return { count };
    // The middle one or two by latency, without reading every latency into memory.
    const middle = this.db.values(`${ended} ORDER BY execution_ms LIMIT ? OFFSET ?`, [...scope, timed % 2 === 1 ? 1 : 2, Math.floor((timed - 1) / 2)]);
    return { count, medianMs: middle.reduce((sum, [ms]) => sum + (ms as number), 0) / middle.length };
  }

  /** Outlines of a trace's spans (no payloads): for latency figures and go-to-code. */
  spanOutlines(traceId: string): SpanOutline[] {
    return this.db
      .values(
        `SELECT s.trace_id, span_id, parent_span_id, name, span_type, status, start_ns, end_ns, input_tokens, output_tokens, function_name
         FROM trace_spans AS s WHERE s.trace_id = ?`,
        [traceId],
      )
      .map(outlineFromRow);
  }

  /**
   * Durations in ms of the latest `limit` spans made by a function (`mlflow.spanFunctionName`),
   * newest first: for the latency CodeLens.
   */
  functionLatencies(functionName: string, limit = 50): number[] {
    return this.db
      .values(
        `SELECT s.start_ns, s.end_ns FROM trace_spans AS s JOIN traces AS t ON t.trace_id = s.trace_id
         WHERE s.function_name = ? ORDER BY t.request_time DESC LIMIT ?`,
        [functionName, limit],
      )
      .map(([start, end]) => nsDifferenceMs(start as string, end as string));
  }

  /** Function names that have spans, with how many: what the CodeLens looks for in a file. */
  tracedFunctionNames(): Map<string, number> {
    return new Map(
      this.db
        .values('SELECT function_name, COUNT(*) FROM trace_spans WHERE function_name IS NOT NULL GROUP BY function_name')
        .map(([name, count]) => [name as string, count as number]),
    );
  }

  setTag(traceId: string, key: string, value: string): void {
    this.db.write((tx) => setTraceTag(tx, traceId, key, value));
  }

  deleteTag(traceId: string, key: string): void {
    this.db.write((tx) => deleteTraceTag(tx, traceId, key));
  }

  /** Returns how many traces went; their span files go after the database forgot them. */
  async deleteTraces(input: DeleteTracesInput): Promise<number> {
    const ids = this.db.write((tx) => deleteTraces(tx, input));
    await this.spanFiles.remove(ids);
    return ids.length;
  }

  linkToRun(traceIds: readonly string[], runId: string): void {
    this.db.write((tx) => linkTracesToRun(tx, traceIds, runId));
  }

  createAssessment(traceId: string, assessment: Readonly<Record<string, unknown>>): Assessment {
    return this.db.write((tx) => createAssessment(tx, traceId, assessment, Date.now()));
  }

  getAssessment(traceId: string, assessmentId: string): Assessment {
    return getAssessment(this.db, traceId, assessmentId);
  }

  updateAssessment(traceId: string, assessmentId: string, patch: Readonly<Record<string, unknown>>, updateMask: string): Assessment {
    return this.db.write((tx) => updateAssessment(tx, traceId, assessmentId, patch, updateMask, Date.now()));
  }

  deleteAssessment(traceId: string, assessmentId: string): void {
    this.db.write((tx) => deleteAssessment(tx, traceId, assessmentId));
  }

  startTraceV2(experimentId: string, timestampMs: number, metadata: readonly KeyValue[], tags: readonly KeyValue[]): TraceInfoV2 {
    const requestId = this.db.write((tx) => startTraceV2(tx, experimentId, timestampMs, metadata, tags));
    return getTraceInfoV2(this.db, requestId);
  }

  endTraceV2(requestId: string, endMs: number, status: string, metadata: readonly KeyValue[], tags: readonly KeyValue[]): TraceInfoV2 {
    this.db.write((tx) => endTraceV2(tx, requestId, endMs, status, metadata, tags));
    return getTraceInfoV2(this.db, requestId);
  }

  getTraceInfoV2(requestId: string): TraceInfoV2 {
    return getTraceInfoV2(this.db, requestId);
  }

  /** v2 `GET /api/2.0/mlflow/traces`: the same search, answered with v2 infos. */
  async searchV2(request: TraceSearchRequest): Promise<TracePage<TraceInfoV2>> {
    const page = await this.searchIds(request);
    return { ...page, items: page.items.map((id) => getTraceInfoV2(this.db, id)) };
  }

  /** The page's ids: from SQL alone, or, when the filter tests span content, from SQL's candidates whose span files match. */
  private async searchIds(request: TraceSearchRequest): Promise<TracePage<string>> {
    const countRows = (statement: SqlFragment): number => this.db.values(statement.sql, statement.params)[0][0] as number;
    const search = compileTraceSearch(request, countRows);
    if (search.contentTests.length === 0) return executeSearch(this.db, search.query, searchedTraceIds);
    const page = await searchSpanContent(this.db, this.spanFiles, this.signatures, search);
    return page.skipped.length === 0 ? { items: page.items, ...tokenOf(page) } : { items: page.items, ...tokenOf(page), skipped: page.skipped };
  }
}

/** A trace search's page is its ids: v2 and v3 replies each read what they need of them. */
const searchedTraceIds: SearchRows<string, string> = { key: firstColumn, read: (_db, ids) => ids.slice() };

/** The ids of a run's traces: made in it (`mlflow.sourceRun`) or linked to it. Params: the metadata key, the run id twice. */
const runTraceIds = 'SELECT trace_id FROM trace_metadata WHERE key = ? AND value = ? UNION SELECT trace_id FROM trace_run_links WHERE run_id = ?';

/** MLflow's trace filter for a run's traces (made in it or linked to it). */
export function runTraceFilter(runId: string): string {
  return `run_id = ${filterLiteral(runId)}`;
}

function outlineFromRow(row: unknown[]): SpanOutline {
  const [traceId, spanId, parentSpanId, name, spanType, status, startNs, endNs, inputTokens, outputTokens, functionName] = row;
  return {
    traceId: traceId as string,
    spanId: spanId as string,
    parentSpanId: parentSpanId as string | null,
    name: name as string,
    spanType: spanType as string,
    status: status as string,
    startNs: startNs as string,
    endNs: endNs as string,
    inputTokens: inputTokens as number | null,
    outputTokens: outputTokens as number | null,
    functionName: functionName as string | null,
  };
}

/** end - start in ms, from decimal nanosecond strings past 2^53. */
export function nsDifferenceMs(startNs: string, endNs: string): number {
  return Number(BigInt(endNs) - BigInt(startNs)) / 1e6;
}
