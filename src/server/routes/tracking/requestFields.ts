import type { KeyValue } from '../../../core/entities';
import { invalidParameter } from '../../../core/errors';
import { apiDocsHint, missingValueMessage, schemaViolationMessage } from '../../../core/validation';
import type { RequestContext } from '../../route';

/**
 * A request's parameters, read as MLflow's server reads them: from the query string for GET, from
 * the JSON body otherwise. proto3 JSON rules apply: null means absent, int64 may come as a string,
 * a double may be "NaN", "Infinity" or "-Infinity". A missing or mistyped parameter is a 400
 * INVALID_PARAMETER_VALUE worded like MLflow's ("Missing value for required parameter 'name'. See
 * the API docs ...").
 */
export class RequestFields {
  private constructor(
    private readonly fields: Readonly<Record<string, unknown>>,
    private readonly fromQuery: URLSearchParams | undefined,
  ) {}

  static of(context: RequestContext, method: 'GET' | 'BODY'): RequestFields {
    return method === 'GET' ? new RequestFields({}, context.query) : new RequestFields(context.body, undefined);
  }

  /** A nested object of the body (`dataset` of a dataset input), read with the same rules. */
  static nested(value: unknown, path: string): RequestFields {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw mistyped(path, value);
    return new RequestFields(value as Record<string, unknown>, undefined);
  }

  string(name: string, path = name): string {
    const value = this.optionalString(name, path);
    if (value === undefined || value === '') throw missing(path);
    return value;
  }

  optionalString(name: string, path = name): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw mistyped(path, value);
    return value;
  }

  /** The run a request names: `run_id`, or `run_uuid` that older clients send. */
  runId(): string {
    return this.optionalString('run_id') || this.optionalString('run_uuid') || throwMissing('run_id');
  }

  int(name: string, path = name): number {
    const value = this.optionalInt(name, path);
    if (value === undefined) throw missing(path);
    return value;
  }

  optionalInt(name: string, path = name): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw mistyped(path, value);
    return number;
  }

  /**
   * A page size checked as an int64, kept as the client wrote it (digits in a query string stay a
   * string): MLflow's refusal of a size over the endpoint's bound shows the value as sent.
   */
  optionalMaxResults(): number | string | undefined {
    if (this.optionalInt('max_results') === undefined) return undefined;
    return this.raw('max_results') as number | string;
  }

  /** A double, NaN and the infinities included in any of their JSON spellings. */
  double(name: string, path = name): number {
    const value = this.raw(name);
    if (value === undefined) throw missing(path);
    if (typeof value === 'number') return value;
    if (typeof value === 'string') {
      const special = specialDoubles.get(value);
      if (special !== undefined) return special;
      if (value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    }
    throw mistyped(path, value);
  }

  optionalBoolean(name: string, path = name): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw mistyped(path, value);
  }

  /** A repeated string field: every occurrence in a query string, a JSON array in a body. */
  strings(name: string, path = name, required = false): string[] {
    const value = this.fromQuery ? this.fromQuery.getAll(name) : this.raw(name);
    if (required && (value === undefined || (Array.isArray(value) && value.length === 0))) throw missing(path);
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw mistyped(path, value);
    return value;
  }

  /** A message field of the body, read with the same rules. */
  object(name: string, path = name): RequestFields {
    const value = this.raw(name);
    if (value === undefined) throw missing(path);
    return RequestFields.nested(value, path);
  }

  /** A repeated message field of the body, each item read with the same rules. */
  objects(name: string, path = name, required = false): RequestFields[] {
    const value = this.raw(name);
    if (value === undefined && required) throw missing(path);
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw mistyped(path, value);
    return value.map((item, index) => RequestFields.nested(item, `${path}[${index}]`));
  }

  /** `[{key, value}]`, as tags and params travel; a key is required, a value defaults to "". */
  keyValues(name: string, path = name): KeyValue[] {
    return this.objects(name, path).map((item, index) => ({
      key: item.string('key', `${path}[${index}].key`),
      value: item.optionalString('value', `${path}[${index}].value`) ?? '',
    }));
  }

  /**
   * An enum field: one of `names`, or its proto number (proto3 JSON allows both), numbered from
   * `firstNumber` (proto2 enums such as RunStatus start at 1).
   */
  enumValue<T extends string>(name: string, names: readonly T[], firstNumber = 0, path = name): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
    const resolved = numeric !== undefined ? names[numeric - firstNumber] : names.find((candidate) => candidate === value);
    if (resolved === undefined) throw mistyped(path, value);
    return resolved;
  }

  requiredEnum<T extends string>(name: string, names: readonly T[], firstNumber = 0, path = name): T {
    return this.enumValue(name, names, firstNumber, path) ?? throwMissing(path);
  }

  private raw(name: string): unknown {
    if (this.fromQuery) return this.fromQuery.get(name) ?? undefined;
    const value = Object.hasOwn(this.fields, name) ? this.fields[name] : undefined;
    return value === null ? undefined : value;
  }
}

const specialDoubles = new Map<string, number>([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

function missing(path: string): Error {
  return invalidParameter(missingValueMessage(path) + apiDocsHint);
}

function throwMissing(path: string): never {
  throw missing(path);
}

function mistyped(path: string, value: unknown): Error {
  return invalidParameter(schemaViolationMessage(path, value));
}
