import { invalidParameter } from '../../../core/errors';
import { durationToMs, timestampToMs } from '../../../core/traces/protoTime';
import { traceStates, type StartTraceInput, type TraceState } from '../../../core/traces/traceInfo';

/**
 * Reading the v3 trace messages of a request body. MLflow's server parses them with protobuf's
 * ParseDict, which takes proto field names and their camelCase forms alike; so does this.
 */
export function field(object: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(object, name) && object[name] !== null) return object[name];
  const camel = name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return Object.hasOwn(object, camel) && object[camel] !== null ? object[camel] : undefined;
}

export function objectField(object: Readonly<Record<string, unknown>>, name: string, path: string): Record<string, unknown> {
  const value = field(object, name);
  if (value === undefined) throw invalidParameter(`Missing value for required parameter '${path}'.`);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`Invalid value for parameter '${path}': expected an object.`);
  return value as Record<string, unknown>;
}

function optionalString(object: Readonly<Record<string, unknown>>, name: string, path: string): string | undefined {
  const value = field(object, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`Invalid value for parameter '${path}': expected a string.`);
  return value;
}

/** A proto `map<string, string>`. */
export function stringMap(object: Readonly<Record<string, unknown>>, name: string, path: string): Record<string, string> {
  const value = field(object, name);
  if (value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`Invalid value for parameter '${path}': expected an object of strings.`);
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'string') throw invalidParameter(`Invalid value for parameter '${path}.${key}': expected a string.`);
    map[key] = entry;
  }
  return map;
}

/** An enum given by name or by number. */
export function enumField<T extends string>(value: unknown, names: readonly T[], path: string): T | undefined {
  if (value === undefined) return undefined;
  const resolved = typeof value === 'number' ? names[value] : names.find((name) => name === value);
  if (resolved === undefined) throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${path}': expected one of ${names.join(', ')}.`);
  return resolved;
}

/** The experiment of a v3 `trace_location`; RunLens keeps traces in experiments only. */
export function experimentOfLocation(location: Readonly<Record<string, unknown>>, path: string): string {
  const type = field(location, 'type');
  if (type !== undefined && type !== 'MLFLOW_EXPERIMENT' && type !== 1) {
    throw invalidParameter(`Invalid value ${JSON.stringify(type)} for parameter '${path}.type': RunLens keeps traces in MLflow experiments (MLFLOW_EXPERIMENT).`);
  }
  const experiment = objectField(location, 'mlflow_experiment', `${path}.mlflow_experiment`);
  const id = field(experiment, 'experiment_id');
  if (typeof id !== 'string' || id === '') throw invalidParameter(`Missing value for required parameter '${path}.mlflow_experiment.experiment_id'.`);
  return id;
}

/** StartTraceV3's `trace.trace_info`. */
export function startTraceInput(body: Readonly<Record<string, unknown>>): StartTraceInput {
  const info = objectField(objectField(body, 'trace', 'trace'), 'trace_info', 'trace.trace_info');
  const traceId = optionalString(info, 'trace_id', 'trace.trace_info.trace_id');
  if (traceId === undefined || traceId === '') throw invalidParameter("Missing value for required parameter 'trace.trace_info.trace_id'.");
  const duration = field(info, 'execution_duration');
  const state: TraceState = enumField(field(info, 'state'), traceStates, 'trace.trace_info.state') ?? 'STATE_UNSPECIFIED';
  const clientRequestId = optionalString(info, 'client_request_id', 'trace.trace_info.client_request_id');
  return {
    traceId,
    experimentId: experimentOfLocation(objectField(info, 'trace_location', 'trace.trace_info.trace_location'), 'trace.trace_info.trace_location'),
    requestTimeMs: timestampToMs(field(info, 'request_time'), 'trace.trace_info.request_time'),
    ...(duration !== undefined ? { executionMs: durationToMs(duration, 'trace.trace_info.execution_duration') } : {}),
    state,
    metadata: stringMap(info, 'trace_metadata', 'trace.trace_info.trace_metadata'),
    tags: stringMap(info, 'tags', 'trace.trace_info.tags'),
    requestPreview: optionalString(info, 'request_preview', 'trace.trace_info.request_preview') ?? '',
    responsePreview: optionalString(info, 'response_preview', 'trace.trace_info.response_preview') ?? '',
    ...(clientRequestId ? { clientRequestId } : {}),
  };
}
