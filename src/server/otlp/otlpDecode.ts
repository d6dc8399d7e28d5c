import { parse, type Type } from 'protobufjs';
import { invalidParameter } from '../../core/errors';
import { spansFromOtlp } from '../../core/traces/otlpSpans';
import type { SpanJson } from '../../core/traces/spanJson';
import { parseJson } from '../json';
import { otlpTraceProto } from './otlpTraceProto';

let requestType: Type | undefined;

/** The export request type, built once on first use (not at startup: most servers never see OTLP). */
function exportRequestType(): Type {
  requestType ??= parse(otlpTraceProto).root.lookupType('otlp.ExportTraceServiceRequest');
  return requestType;
}

/**
 * The spans of an OTLP/HTTP trace export, in protobuf (`application/x-protobuf`, what MLflow's
 * client sends) or JSON (`application/json`). A body that does not decode is a 400, never a 5xx
 * that the exporter would retry.
 */
export function decodeOtlpSpans(body: Buffer, contentType: string): SpanJson[] {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') {
    let decoded: unknown;
    try {
      const type = exportRequestType();
      decoded = type.toObject(type.decode(body), { longs: String, enums: String, bytes: String });
    } catch (error) {
      throw invalidParameter(`Invalid OTLP trace request: the body is not an ExportTraceServiceRequest in protobuf (${(error as Error).message}).`);
    }
    return spansFromOtlp(decoded, 'base64');
  }
  if (mediaType === 'application/json') return spansFromOtlp(parseJson(body.toString('utf8')), 'hex');
  throw invalidParameter(`Unsupported Content-Type '${contentType}' for OTLP traces: send application/x-protobuf or application/json.`);
}
