import { randomBytes } from 'node:crypto';
import type { KeyAnyValue, SpanJson } from '../../../src/core/traces/spanJson';
import type { StartTraceInput } from '../../../src/core/traces/traceInfo';

/** A trace id as MLflow 3's client makes it: `tr-` and the OTel trace id's 32 hex digits. */
export function newTraceId(): string {
  return `tr-${randomBytes(16).toString('hex')}`;
}

export interface SpanSpec {
  readonly traceId: string;
  readonly name: string;
  readonly parent?: SpanJson;
  readonly startMs: number;
  readonly durationMs: number;
  readonly type?: string;
  readonly error?: string;
  readonly inputs?: KeyAnyValue['value'];
  readonly functionName?: string;
  readonly tokens?: { readonly input: number; readonly output: number };
}

/** A stored span (the shape batchGet serves), as OTLP from MLflow's client would produce it. */
export function span(spec: SpanSpec): SpanJson {
  const start = BigInt(spec.startMs) * 1_000_000n;
  const attributes: KeyAnyValue[] = [
    { key: 'mlflow.traceRequestId', value: { string_value: spec.traceId } },
    { key: 'mlflow.spanType', value: { string_value: spec.type ?? 'UNKNOWN' } },
  ];
  if (spec.functionName) attributes.push({ key: 'mlflow.spanFunctionName', value: { string_value: spec.functionName } });
  if (spec.inputs) attributes.push({ key: 'mlflow.spanInputs', value: spec.inputs });
  if (spec.tokens) {
    attributes.push({
      key: 'mlflow.chat.tokenUsage',
      value: { kvlist_value: { values: [{ key: 'input_tokens', value: { int_value: spec.tokens.input } }, { key: 'output_tokens', value: { int_value: spec.tokens.output } }] } },
    });
  }
  return {
    trace_id: Buffer.from(spec.traceId.slice(3), 'hex').toString('base64'),
    span_id: randomBytes(8).toString('base64'),
    ...(spec.parent ? { parent_span_id: spec.parent.span_id } : {}),
    name: spec.name,
    start_time_unix_nano: String(start),
    end_time_unix_nano: String(start + BigInt(Math.round(spec.durationMs * 1e6))),
    attributes,
    ...(spec.error
      ? {
          status: { code: 'STATUS_CODE_ERROR', message: spec.error },
          events: [{ time_unix_nano: String(start), name: 'exception', attributes: [{ key: 'exception.message', value: { string_value: spec.error } }] }],
        }
      : { status: { code: 'STATUS_CODE_OK' } }),
  };
}

/** StartTraceV3's info for a trace of `spans` spans. */
export function traceInfo(traceId: string, experimentId: string, startMs: number, durationMs: number, extra: Partial<StartTraceInput> = {}): StartTraceInput {
  return {
    traceId,
    experimentId,
    requestTimeMs: startMs,
    executionMs: durationMs,
    state: 'OK',
    metadata: {},
    tags: {},
    ...extra,
  };
}
