import type { SpanJson } from '../traces/spanJson';
import { anyValueToPlain, attributeValue, base64ToHex, outlineOf } from '../traces/spanJson';
import { timestampToMs } from '../traces/protoTime';
import type { Assessment, TraceInfo } from '../traces/traceInfo';
import { traceMetadataKeys, traceTagKeys } from '../traces/traceInfo';
import type { AssessmentModel, TraceEventModel, TraceModel, TraceSpanModel } from '../../protocol/traceDashboard';

/** Attributes the viewer shows in their own places rather than in the attribute list. */
const placedAttributes = new Set(['mlflow.spanInputs', 'mlflow.spanOutputs', 'mlflow.traceRequestId', 'mlflow.spanType', 'mlflow.spanFunctionName']);

/**
 * The trace viewer's model: spans in tree order (depth first, children by start time) with times
 * from the trace's first span, attributes JSON-decoded, inputs and outputs apart, token totals.
 * Linear in the number of spans (a 10,000-span trace builds in tens of milliseconds).
 */
export function buildTraceModel(info: TraceInfo, spans: readonly SpanJson[]): TraceModel {
  const origin = spans.reduce((min, span) => (BigInt(span.start_time_unix_nano) < min ? BigInt(span.start_time_unix_nano) : min), spans.length > 0 ? BigInt(spans[0].start_time_unix_nano) : 0n);
  const msFrom = (ns: string) => Number(BigInt(ns) - origin) / 1e6;
  const children = new Map<string, SpanJson[]>();
  const ids = new Set(spans.map((span) => span.span_id));
  const roots: SpanJson[] = [];
  for (const span of spans) {
    // A span whose parent never arrived is shown as a root rather than lost.
    if (span.parent_span_id && ids.has(span.parent_span_id)) children.set(span.parent_span_id, [...(children.get(span.parent_span_id) ?? []), span]);
    else roots.push(span);
  }
  const ordered: TraceSpanModel[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  const stack: { span: SpanJson; depth: number }[] = roots.map((span) => ({ span, depth: 0 })).reverse();
  while (stack.length > 0) {
    const { span, depth } = stack.pop()!;
    const model = spanModel(span, depth, msFrom);
    inputTokens += model.inputTokens ?? 0;
    outputTokens += model.outputTokens ?? 0;
    ordered.push(model);
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

function spanModel(span: SpanJson, depth: number, msFrom: (ns: string) => number): TraceSpanModel {
  const outline = outlineOf(span);
  const inputs = attributeValue(span.attributes, 'mlflow.spanInputs');
  const outputs = attributeValue(span.attributes, 'mlflow.spanOutputs');
  const events: TraceEventModel[] = (span.events ?? []).map((event) => ({
    name: event.name,
    // MLflow's SpanEvent writes microseconds where OTel has nanoseconds (16 digits, not 19).
    timeMs: msFrom(event.time_unix_nano.length <= 16 ? String(BigInt(event.time_unix_nano) * 1000n) : event.time_unix_nano),
    attributes: (event.attributes ?? []).map((a) => ({ key: a.key, value: anyValueToPlain(a.value) })),
  }));
  return {
    spanId: outline.spanId,
    ...(span.parent_span_id ? { parentSpanId: base64ToHex(span.parent_span_id) } : {}),
    depth,
    name: span.name,
    spanType: outline.spanType,
    status: outline.status === 'OK' || outline.status === 'ERROR' ? outline.status : 'UNSET',
    ...(span.status?.message ? { statusMessage: span.status.message } : {}),
    startMs: msFrom(span.start_time_unix_nano),
    durationMs: Number(BigInt(span.end_time_unix_nano) - BigInt(span.start_time_unix_nano)) / 1e6,
    ...(outline.functionName !== null ? { functionName: outline.functionName } : {}),
    ...(inputs !== undefined ? { inputs } : {}),
    ...(outputs !== undefined ? { outputs } : {}),
    attributes: (span.attributes ?? []).filter((a) => !placedAttributes.has(a.key)).map((a) => ({ key: a.key, value: attributeValue([a], a.key) })),
    events,
    ...(outline.inputTokens !== null ? { inputTokens: outline.inputTokens } : {}),
    ...(outline.outputTokens !== null ? { outputTokens: outline.outputTokens } : {}),
  };
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
