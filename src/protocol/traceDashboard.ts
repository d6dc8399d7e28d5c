import { RequestType } from './messages';

/**
 * The trace viewer's messages (issue 16): a trace's span tree (outlines), a selected span's payload,
 * and feedback added from the viewer. Strings come from the traced app and are untrusted: the
 * webview shows them as text. Times are milliseconds: `startMs` from the trace's first span.
 */
export interface TraceDashboardState {
  readonly kind: 'trace';
  readonly traceId: string;
  /** A second trace shown beside it (span tree diff), when comparing. */
  readonly compareTo?: string;
  /** The workspace folder (URI) whose store holds the trace, in a window of several folders. */
  readonly folder?: string;
}

/**
 * A span as the viewer's tree and timeline draw it: what opening a trace carries for every span.
 * Its payload (TraceSpanDetail) is asked for when the span is selected.
 */
export interface TraceSpanOutline {
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** 0 for a root; the viewer indents by it. Spans come in tree order (depth first, by start). */
  readonly depth: number;
  readonly name: string;
  /** MLflow's span type: LLM, CHAIN, TOOL, RETRIEVER, ... ('' when unset). */
  readonly spanType: string;
  readonly status: 'OK' | 'ERROR' | 'UNSET';
  readonly statusMessage?: string;
  readonly startMs: number;
  readonly durationMs: number;
  /** `@mlflow.trace`'s function name, for go-to-code. */
  readonly functionName?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** What a selected span shows beyond its outline. */
export interface TraceSpanDetail {
  readonly spanId: string;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  /** The other attributes, JSON-decoded. */
  readonly attributes: readonly { readonly key: string; readonly value: unknown }[];
  readonly events: readonly TraceEventModel[];
}

/** A span whole, outline and payload: what the trace compare diffs. */
export type TraceSpanModel = TraceSpanOutline & TraceSpanDetail;

export interface TraceEventModel {
  readonly name: string;
  /** From the trace's start. */
  readonly timeMs: number;
  readonly attributes: readonly { readonly key: string; readonly value: unknown }[];
}

export interface AssessmentModel {
  readonly assessmentId: string;
  readonly name: string;
  readonly kind: 'feedback' | 'expectation';
  readonly value: unknown;
  readonly rationale?: string;
  /** `HUMAN: alice`, `LLM_JUDGE: gpt-judge`, `CODE: exact_match`. */
  readonly source: string;
  readonly spanId?: string;
  /** False when another assessment overrode it. */
  readonly valid: boolean;
  readonly error?: string;
  readonly time: number;
}

export interface TraceModel {
  readonly traceId: string;
  readonly name: string;
  readonly state: string;
  readonly experimentId: string;
  readonly runId?: string;
  readonly requestTime: number;
  readonly executionMs?: number;
  readonly request?: unknown;
  readonly response?: unknown;
  /** Outlines only: a span's payload is asked for with GetTraceSpanRequest. */
  readonly spans: readonly TraceSpanOutline[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  readonly metadata: readonly { readonly key: string; readonly value: string }[];
  readonly assessments: readonly AssessmentModel[];
}

/** A trace in a list (a run's traces on its dashboard): what shows without reading its spans. */
export interface TraceListItem {
  readonly traceId: string;
  readonly name: string;
  /** OK, ERROR or IN_PROGRESS. */
  readonly state: string;
  readonly requestTime: number;
  /** Absent while the trace is in progress. */
  readonly executionMs?: number;
  readonly spanCount: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** A run's traces (made in it or linked to it) on its dashboard. */
export interface RunTracesModel {
  /** How many the run has; `items` holds the newest of them. */
  readonly total: number;
  /** Newest first. */
  readonly items: readonly TraceListItem[];
}

/** What the compare view says of a run's traces. */
export interface RunTraceStats {
  readonly count: number;
  /** The median latency of the run's traces that ended; absent when none has. */
  readonly medianMs?: number;
}

export interface GetTraceParams {
  readonly traceId: string;
}
export const GetTraceRequest = new RequestType<GetTraceParams, TraceModel>('trace/get');

/** A span's inputs, outputs, attributes and events, asked for when the viewer selects it. */
export interface GetTraceSpanParams {
  readonly traceId: string;
  /** The span's hex id, as its outline has it. */
  readonly spanId: string;
}
export const GetTraceSpanRequest = new RequestType<GetTraceSpanParams, TraceSpanDetail>('trace/span');

/** Feedback from the viewer: a human's value on the trace, or on one span. */
export interface LogFeedbackParams {
  readonly traceId: string;
  readonly name: string;
  readonly value: boolean | number | string;
  readonly rationale?: string;
  readonly spanId?: string;
}
export const LogFeedbackRequest = new RequestType<LogFeedbackParams, AssessmentModel>('trace/logFeedback');

/** Open the function that made a span (VS Code only): the host resolves it in the workspace. */
export interface GoToSpanCodeParams {
  readonly traceId: string;
  readonly spanId: string;
}
export const GoToSpanCodeRequest = new RequestType<GoToSpanCodeParams, { readonly opened: boolean }>('trace/goToCode');

/** One span of a trace compare, matched by its place in the tree (ancestor names, name, and its rank among same-named siblings). */
export interface TraceDiffRow {
  readonly path: string;
  readonly depth: number;
  readonly name: string;
  readonly left?: { readonly durationMs: number; readonly status: string };
  readonly right?: { readonly durationMs: number; readonly status: string };
  /** `added`: only in the second trace; `removed`: only in the first. */
  readonly change: 'same' | 'changed' | 'added' | 'removed';
  /** What differs in a `changed` span. */
  readonly changed: readonly ('inputs' | 'outputs' | 'status')[];
  /** The inputs and outputs on each side, for a changed span. */
  readonly detail?: { readonly left: { readonly inputs?: unknown; readonly outputs?: unknown }; readonly right: { readonly inputs?: unknown; readonly outputs?: unknown } };
}

export interface TraceCompareModel {
  readonly left: Omit<TraceModel, 'spans'>;
  readonly right: Omit<TraceModel, 'spans'>;
  readonly rows: readonly TraceDiffRow[];
}

export interface CompareTracesParams {
  readonly traceId: string;
  readonly otherTraceId: string;
}
export const CompareTracesRequest = new RequestType<CompareTracesParams, TraceCompareModel>('trace/compare');
