import type { SpanJson } from '../core/traces/spanJson';
import { anyValueToPlain, attributeValue, base64ToHex } from '../core/traces/spanJson';
import { timestampToMs } from '../core/traces/protoTime';
import { compareDecimal } from '../core/traces/spanFiles';
import type { Assessment, TraceInfo } from '../core/traces/traceInfo';
import { traceMetadataKeys, traceTagKeys } from '../core/traces/traceInfo';
import { notFound } from '../core/errors';
import type { AssessmentModel, TraceEventModel, TraceModel, TraceSpanDetail, TraceSpanModel, TraceSpanOutline } from '../protocol/traceDashboard';

/** A trace with every span whole: what the trace compare diffs (inputs, outputs, status). */
export interface TraceWithSpans extends Omit<TraceModel, 'spans'> {
  readonly spans: readonly TraceSpanModel[];
}

/**
 * What the viewer opens with: the trace, and each span's outline in tree order (depth first,
 * children by start time) with times from the trace's first span and token totals. Inputs,
 * outputs, attributes and events stay out (1.8 MB for 10,000 spans): the viewer asks for a span's
 * when it is selected (buildSpanDetail). Linear in the number of spans.
 */
export function buildTraceModel(info: TraceInfo, spans: readonly SpanJson[]): TraceModel {
  return traceModelOf(info, spans, spanOutline);
}

/** The trace with each span's outline and payload: for the trace compare. */
export function buildFullTraceModel(info: TraceInfo, spans: readonly SpanJson[]): TraceWithSpans {
  return traceModelOf(info, spans, (span, depth, clock) => ({ ...spanOutline(span, depth, clock), ...spanDetail(span, clock) }));
}

/** One span's inputs, outputs, attributes and events, by its hex id; a 404 when the trace has no such span. */
export function buildSpanDetail(spans: readonly SpanJson[], spanId: string): TraceSpanDetail {
  const clock = spanClock(spans);
  const span = spans.find((candidate) => clock.hexOf(candidate.span_id) === spanId);
  if (span === undefined) throw notFound(`The trace has no span '${spanId}'.`);
  return spanDetail(span, clock);
}

/** Times from the trace's first span, and hex span ids (each id converted once). */
interface SpanClock {
  msFrom(ns: string): number;
  hexOf(base64: string): string;
}

function spanClock(spans: readonly SpanJson[]): SpanClock {
  // The earliest start compared as decimal text: one BigInt, not two per span.
  const first = spans.reduce<string | undefined>((min, span) => (min === undefined || compareDecimal(span.start_time_unix_nano, min) < 0 ? span.start_time_unix_nano : min), undefined);
  const origin = first === undefined ? 0n : BigInt(first);
  // A parent's id is converted once, not again for each of its children.
  const hexIds = new Map<string, string>();
  return {
    msFrom: (ns) => Number(BigInt(ns) - origin) / 1e6,
    hexOf: (base64) => {
      let hex = hexIds.get(base64);
      if (hex === undefined) hexIds.set(base64, (hex = base64ToHex(base64)));
      return hex;
    },
  };
}

function traceModelOf<S extends TraceSpanOutline>(info: TraceInfo, spans: readonly SpanJson[], model: (span: SpanJson, depth: number, clock: SpanClock) => S): Omit<TraceModel, 'spans'> & { readonly spans: readonly S[] } {
  const clock = spanClock(spans);
  const children = new Map<string, SpanJson[]>();
  const ids = new Set(spans.map((span) => span.span_id));
  const roots: SpanJson[] = [];
  for (const span of spans) {
    // A span whose parent never arrived is shown as a root rather than lost.
    if (span.parent_span_id && ids.has(span.parent_span_id)) {
      const siblings = children.get(span.parent_span_id);
      if (siblings) siblings.push(span);
      else children.set(span.parent_span_id, [span]);
    } else roots.push(span);
  }
  // Children by start time, whatever order the spans were stored in (they arrive as they end).
  const byStart = (a: SpanJson, b: SpanJson) => compareDecimal(a.start_time_unix_nano, b.start_time_unix_nano);
  roots.sort(byStart);
  for (const siblings of children.values()) siblings.sort(byStart);
  const ordered: S[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  const stack: { span: SpanJson; depth: number }[] = roots.map((span) => ({ span, depth: 0 })).reverse();
  while (stack.length > 0) {
    const { span, depth } = stack.pop()!;
    const spanModel = model(span, depth, clock);
    inputTokens += spanModel.inputTokens ?? 0;
    outputTokens += spanModel.outputTokens ?? 0;
    ordered.push(spanModel);
    const kids = children.get(span.span_id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i], depth: depth + 1 });
  }
  const runId = info.trace_metadata[traceMetadataKeys.sourceRun];
  return {
    traceId: info.trace_id,
    name: info.tags[traceTagKeys.traceName] ?? '',
    state: info.state,
    experimentId: info.trace_location.mlflow_experiment.experiment_id,
    ...(runId ? { runId } : {}),
    requestTime: timestampToMs(info.request_time, 'request_time'),
    ...(info.execution_duration !== undefined ? { executionMs: Number.parseFloat(info.execution_duration) * 1000 } : {}),
    ...jsonField('request', info.trace_metadata['mlflow.traceInputs']),
    ...jsonField('response', info.trace_metadata['mlflow.traceOutputs']),
    spans: ordered,
    inputTokens,
    outputTokens,
    tags: Object.entries(info.tags).map(([key, value]) => ({ key, value })),
    metadata: Object.entries(info.trace_metadata).map(([key, value]) => ({ key, value })),
    assessments: (info.assessments ?? []).map(assessmentModel),
  };
}

/** Attributes the outline reads, or the detail leaves out: everything else is shown as the span's attributes. */
const outlineKeys = {
  type: 'mlflow.spanType',
  functionName: 'mlflow.spanFunctionName',
  tokenUsage: 'mlflow.chat.tokenUsage',
} as const;
const inputsKey = 'mlflow.spanInputs';
const outputsKey = 'mlflow.spanOutputs';
/** The trace's own id, on every span: not the span's to show. */
const traceIdKey = 'mlflow.traceRequestId';

function spanOutline(span: SpanJson, depth: number, clock: SpanClock): TraceSpanOutline {
  // Only the outline's few attributes are decoded: a trace of 10,000 spans is outlined in milliseconds.
  let spanType = '';
  let functionName: string | undefined;
  let usage: Record<string, unknown> | undefined;
  for (const attribute of span.attributes ?? []) {
    if (attribute.key === outlineKeys.type) {
      const value = attributeValue([attribute], attribute.key);
      spanType = typeof value === 'string' ? value : '';
    } else if (attribute.key === outlineKeys.functionName) {
      const value = attributeValue([attribute], attribute.key);
      functionName = typeof value === 'string' ? value : undefined;
    } else if (attribute.key === outlineKeys.tokenUsage) {
      const value = attributeValue([attribute], attribute.key);
      if (value !== null && typeof value === 'object') usage = value as Record<string, unknown>;
    }
  }
  const code = span.status?.code;
  const inputTokens = tokenCount(usage?.input_tokens);
  const outputTokens = tokenCount(usage?.output_tokens);
  return {
    spanId: clock.hexOf(span.span_id),
    ...(span.parent_span_id ? { parentSpanId: clock.hexOf(span.parent_span_id) } : {}),
    depth,
    name: span.name,
    spanType,
    status: code === 'STATUS_CODE_OK' ? 'OK' : code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'UNSET',
    ...(span.status?.message ? { statusMessage: span.status.message } : {}),
    startMs: clock.msFrom(span.start_time_unix_nano),
    durationMs: Number(BigInt(span.end_time_unix_nano) - BigInt(span.start_time_unix_nano)) / 1e6,
    ...(functionName !== undefined ? { functionName } : {}),
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
  };
}

function spanDetail(span: SpanJson, clock: SpanClock): TraceSpanDetail {
  let inputs: unknown;
  let outputs: unknown;
  const attributes: { key: string; value: unknown }[] = [];
  for (const attribute of span.attributes ?? []) {
    if (attribute.key === traceIdKey || attribute.key === outlineKeys.type || attribute.key === outlineKeys.functionName) continue;
    const value = attributeValue([attribute], attribute.key);
    if (attribute.key === inputsKey) inputs = value;
    else if (attribute.key === outputsKey) outputs = value;
    else attributes.push({ key: attribute.key, value });
  }
  const events: TraceEventModel[] = (span.events ?? []).map((event) => ({
    name: event.name,
    // MLflow's SpanEvent writes microseconds where OTel has nanoseconds (16 digits, not 19).
    timeMs: clock.msFrom(event.time_unix_nano.length <= 16 ? String(BigInt(event.time_unix_nano) * 1000n) : event.time_unix_nano),
    attributes: (event.attributes ?? []).map((a) => ({ key: a.key, value: anyValueToPlain(a.value) })),
  }));
  return {
    spanId: clock.hexOf(span.span_id),
    ...(inputs !== undefined ? { inputs } : {}),
    ...(outputs !== undefined ? { outputs } : {}),
    attributes,
    events,
  };
}

function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export function assessmentModel(assessment: Assessment): AssessmentModel {
  const feedback = assessment.feedback as { value?: unknown; error?: { error_code?: string; error_message?: string } } | undefined;
  const expectation = assessment.expectation as { value?: unknown; serialized_value?: { value?: string } } | undefined;
  const source = assessment.source as { source_type?: string; source_id?: string } | undefined;
  let value: unknown = feedback ? feedback.value : expectation?.value;
  if (value === undefined && expectation?.serialized_value?.value !== undefined) value = jsonField('value', expectation.serialized_value.value).value;
  const error = feedback?.error;
  return {
    assessmentId: assessment.assessment_id,
    name: assessment.assessment_name,
    kind: feedback ? 'feedback' : 'expectation',
    value: value ?? null,
    ...(typeof assessment.rationale === 'string' ? { rationale: assessment.rationale } : {}),
    source: `${source?.source_type ?? 'HUMAN'}: ${source?.source_id ?? ''}`,
    ...(typeof assessment.span_id === 'string' && assessment.span_id !== '' ? { spanId: assessment.span_id } : {}),
    valid: assessment.valid !== false,
    ...(error ? { error: `${error.error_code ?? 'ERROR'}: ${error.error_message ?? ''}` } : {}),
    time: typeof assessment.create_time === 'string' ? timestampToMs(assessment.create_time, 'create_time') : 0,
  };
}

/** A JSON string decoded (kept as text when it is not JSON); nothing for an empty one. */
function jsonField<K extends string>(key: K, text: string | undefined): Partial<Record<K, unknown>> {
  if (text === undefined || text === '') return {};
  try {
    return { [key]: JSON.parse(text) as unknown } as Partial<Record<K, unknown>>;
  } catch {
    return { [key]: text } as Partial<Record<K, unknown>>;
  }
}
