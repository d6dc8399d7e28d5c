/**
 * A span as RunLens stores and serves it: OpenTelemetry's proto `Span` in proto3 JSON with proto
 * field names, which is what MLflow's `traces/batchGet` returns and its client parses. Ids are
 * base64 of their bytes; times are int64 nanoseconds, kept as decimal strings (they pass 2^53).
 */
export interface SpanJson {
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id?: string;
  readonly name: string;
  readonly kind?: string;
  readonly start_time_unix_nano: string;
  readonly end_time_unix_nano: string;
  readonly attributes?: readonly KeyAnyValue[];
  readonly events?: readonly SpanEventJson[];
  readonly status?: { readonly code: string; readonly message?: string };
}

export interface SpanEventJson {
  readonly time_unix_nano: string;
  readonly name: string;
  readonly attributes?: readonly KeyAnyValue[];
}

export interface KeyAnyValue {
  readonly key: string;
  readonly value: AnyValue;
}

/** OTLP's AnyValue: exactly one of these is set. */
export interface AnyValue {
  readonly string_value?: string;
  readonly bool_value?: boolean;
  /** A number when it fits a double exactly, else its decimal string. */
  readonly int_value?: number | string;
  readonly double_value?: number | string;
  readonly bytes_value?: string;
  readonly array_value?: { readonly values?: readonly AnyValue[] };
  readonly kvlist_value?: { readonly values?: readonly KeyAnyValue[] };
}

/** What RunLens reads from a span beyond its payload: kept in sql.js for search, counts and the sidebar. */
export interface SpanOutline {
  /** MLflow's trace id, `tr-<32 hex>`. */
  readonly traceId: string;
  /** 16 hex digits. */
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly spanType: string;
  /** OK, ERROR or UNSET. */
  readonly status: string;
  readonly startNs: string;
  readonly endNs: string;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** `mlflow.spanFunctionName`, set by `@mlflow.trace`. */
  readonly functionName: string | null;
}

/** A span's attribute as a plain JSON value (kvlists become objects, arrays arrays). */
export function anyValueToPlain(value: AnyValue | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (value.string_value !== undefined) return value.string_value;
  if (value.bool_value !== undefined) return value.bool_value;
  if (value.int_value !== undefined) return typeof value.int_value === 'string' ? Number(value.int_value) : value.int_value;
  if (value.double_value !== undefined) return Number(value.double_value);
  if (value.bytes_value !== undefined) return value.bytes_value;
  if (value.array_value !== undefined) return (value.array_value.values ?? []).map(anyValueToPlain);
  if (value.kvlist_value !== undefined) {
    const object: Record<string, unknown> = {};
    for (const entry of value.kvlist_value.values ?? []) object[entry.key] = anyValueToPlain(entry.value);
    return object;
  }
  return null;
}

/**
 * An MLflow attribute's value. Spans that came through a `traces.json` upload, or from older
 * clients, carry every attribute JSON-encoded in a string (`"\"LLM\""`); OTLP spans carry typed
 * values. Both read the same here.
 */
export function attributeValue(attributes: readonly KeyAnyValue[] | undefined, key: string): unknown {
  const found = attributes?.find((attribute) => attribute.key === key);
  if (found === undefined) return undefined;
  const plain = anyValueToPlain(found.value);
  if (typeof plain === 'string' && /^\s*["{[]/.test(plain)) {
    try {
      return JSON.parse(plain) as unknown;
    } catch {
      return plain;
    }
  }
  return plain;
}

export function base64ToHex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** The outline of a stored span. `mlflow.traceRequestId` names the trace when present, else its OTel id does. */
export function outlineOf(span: SpanJson): SpanOutline {
  const requestId = attributeValue(span.attributes, 'mlflow.traceRequestId');
  const usage = attributeValue(span.attributes, 'mlflow.chat.tokenUsage') as Record<string, unknown> | undefined;
  const spanType = attributeValue(span.attributes, 'mlflow.spanType');
  const functionName = attributeValue(span.attributes, 'mlflow.spanFunctionName');
  return {
    traceId: typeof requestId === 'string' && requestId !== '' ? requestId : `tr-${base64ToHex(span.trace_id)}`,
    spanId: base64ToHex(span.span_id),
    parentSpanId: span.parent_span_id ? base64ToHex(span.parent_span_id) : null,
    name: span.name,
    spanType: typeof spanType === 'string' ? spanType : '',
    status: (span.status?.code ?? 'STATUS_CODE_UNSET').replace(/^STATUS_CODE_/, ''),
    startNs: span.start_time_unix_nano,
    endNs: span.end_time_unix_nano,
    inputTokens: tokenCount(usage?.input_tokens),
    outputTokens: tokenCount(usage?.output_tokens),
    functionName: typeof functionName === 'string' ? functionName : null,
  };
}

function tokenCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
