import { invalidParameter } from '../errors';
import type { AnyValue, KeyAnyValue, SpanEventJson, SpanJson } from './spanJson';

/**
 * The spans of an OTLP `ExportTraceServiceRequest` in camelCase (OTLP/JSON, or protobuf decoded
 * with enums and longs as strings), turned into stored spans. `idEncoding` says how the ids come:
 * `base64` from protobuf bytes, `hex` in OTLP/JSON (the spec's encoding). Anything malformed is a
 * 400 that names the place, and nothing of the request is kept.
 */
export function spansFromOtlp(request: unknown, idEncoding: 'base64' | 'hex'): SpanJson[] {
  const spans: SpanJson[] = [];
  const resourceSpans = list(objectAt(request, 'request'), 'resourceSpans', 'resourceSpans');
  resourceSpans.forEach((resource, r) => {
    const scopes = list(objectAt(resource, `resourceSpans[${r}]`), 'scopeSpans', `resourceSpans[${r}].scopeSpans`);
    scopes.forEach((scope, s) => {
      const path = `resourceSpans[${r}].scopeSpans[${s}]`;
      list(objectAt(scope, path), 'spans', `${path}.spans`).forEach((span, i) => {
        spans.push(spanFromOtlp(objectAt(span, `${path}.spans[${i}]`), idEncoding, `${path}.spans[${i}]`));
      });
    });
  });
  return spans;
}

const statusCodes = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const spanKinds = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];

function spanFromOtlp(span: Record<string, unknown>, idEncoding: 'base64' | 'hex', path: string): SpanJson {
  const traceId = id(span.traceId, 16, idEncoding, `${path}.traceId`);
  const spanId = id(span.spanId, 8, idEncoding, `${path}.spanId`);
  const parent = span.parentSpanId === undefined || span.parentSpanId === null || span.parentSpanId === '' ? undefined : id(span.parentSpanId, 8, idEncoding, `${path}.parentSpanId`);
  const status = span.status === undefined || span.status === null ? undefined : objectAt(span.status, `${path}.status`);
  const kind = enumName(span.kind, spanKinds, `${path}.kind`);
  const events = list(span, 'events', `${path}.events`).map((event, i) => eventFromOtlp(objectAt(event, `${path}.events[${i}]`), `${path}.events[${i}]`));
  const attributes = keyValues(span.attributes, `${path}.attributes`);
  const code = status === undefined ? undefined : enumName(status.code, statusCodes, `${path}.status.code`);
  return {
    trace_id: traceId,
    span_id: spanId,
    ...(parent !== undefined ? { parent_span_id: parent } : {}),
    name: text(span.name, `${path}.name`),
    ...(kind !== undefined && kind !== 'SPAN_KIND_UNSPECIFIED' && kind !== 'SPAN_KIND_INTERNAL' ? { kind } : {}),
    start_time_unix_nano: nanos(span.startTimeUnixNano, `${path}.startTimeUnixNano`),
    end_time_unix_nano: nanos(span.endTimeUnixNano, `${path}.endTimeUnixNano`),
    ...(attributes.length > 0 ? { attributes } : {}),
    ...(events.length > 0 ? { events } : {}),
    ...(status !== undefined
      ? { status: { code: code ?? 'STATUS_CODE_UNSET', ...(typeof status.message === 'string' && status.message !== '' ? { message: status.message } : {}) } }
      : {}),
  };
}

function eventFromOtlp(event: Record<string, unknown>, path: string): SpanEventJson {
  const attributes = keyValues(event.attributes, `${path}.attributes`);
  return {
    time_unix_nano: nanos(event.timeUnixNano, `${path}.timeUnixNano`),
    name: text(event.name, `${path}.name`),
    ...(attributes.length > 0 ? { attributes } : {}),
  };
}

/** Attribute nesting deeper than this is refused: a body must not exhaust the stack. */
const maxValueDepth = 64;

function keyValues(value: unknown, path: string, depth = 0): KeyAnyValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad(path, 'a list');
  return value.map((entry, i) => {
    const item = objectAt(entry, `${path}[${i}]`);
    return { key: text(item.key, `${path}[${i}].key`), value: anyValue(item.value, `${path}[${i}].value`, depth + 1) };
  });
}

function anyValue(value: unknown, path: string, depth: number): AnyValue {
  if (depth > maxValueDepth) throw invalidParameter(`${path} is nested more than ${maxValueDepth} levels deep.`);
  if (value === undefined || value === null) return {};
  const v = objectAt(value, path);
  if (v.stringValue !== undefined) return { string_value: text(v.stringValue, `${path}.stringValue`) };
  if (v.boolValue !== undefined) {
    if (typeof v.boolValue !== 'boolean') throw bad(`${path}.boolValue`, 'true or false');
    return { bool_value: v.boolValue };
  }
  if (v.intValue !== undefined) return { int_value: int64(v.intValue, `${path}.intValue`) };
  if (v.doubleValue !== undefined) {
    const number = typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
    if (typeof number !== 'number') throw bad(`${path}.doubleValue`, 'a number');
    return { double_value: Number.isFinite(number) ? number : String(v.doubleValue) };
  }
  if (v.bytesValue !== undefined) return { bytes_value: text(v.bytesValue, `${path}.bytesValue`) };
  if (v.arrayValue !== undefined) {
    const values = list(objectAt(v.arrayValue, `${path}.arrayValue`), 'values', `${path}.arrayValue.values`);
    return { array_value: { values: values.map((item, i) => anyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1)) } };
  }
  if (v.kvlistValue !== undefined) {
    const kv = objectAt(v.kvlistValue, `${path}.kvlistValue`);
    return { kvlist_value: { values: keyValues(kv.values, `${path}.kvlistValue.values`, depth + 1) } };
  }
  return {};
}

/** Ids arrive as bytes: base64 from protobuf, hex in OTLP/JSON; stored as base64, as MLflow serves them. */
function id(value: unknown, bytes: number, encoding: 'base64' | 'hex', path: string): string {
  if (typeof value !== 'string') throw bad(path, `${bytes} bytes`);
  const decoded = encoding === 'hex' && /^[0-9a-fA-F]*$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (decoded.length !== bytes || decoded.every((byte) => byte === 0)) throw bad(path, `a non-zero id of ${bytes} bytes`);
  return decoded.toString('base64');
}

function nanos(value: unknown, path: string): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) throw bad(path, 'nanoseconds since the epoch');
  return text.replace(/^0+(?=\d)/, '');
}

function int64(value: unknown, path: string): number | string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d{1,20}$/.test(text)) throw bad(path, 'an integer');
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

function enumName(value: unknown, names: readonly string[], path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && names[value] !== undefined) return names[value];
  if (typeof value === 'string' && names.includes(value)) return value;
  throw bad(path, `one of ${names.join(', ')}`);
}

function text(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw bad(path, 'a string');
  return value;
}

function list(object: Record<string, unknown>, key: string, path: string): unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad(path, 'a list');
  return value;
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(path, 'an object');
  return value as Record<string, unknown>;
}

function bad(path: string, expected: string) {
  return invalidParameter(`Invalid OTLP trace request: ${path} must be ${expected}.`);
}
