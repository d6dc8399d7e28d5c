import {
  defaultMetricChartOptions,
  type FieldRef,
  type MetricAggregation,
  type MetricChartOptions,
  type MetricDirection,
  type RunAttribute,
  type XAxis,
} from '../protocol/dashboards/shapes';
import type { TableSort } from '../protocol/dashboards/state';
import { invalidParams } from './dashboardError';

/**
 * Reads a request's params, which arrive from the webview as untyped data, into checked values.
 * Every fault throws a DashboardError `invalidParams` naming the method and the field.
 */
export class ParamsReader {
  private readonly params: Record<string, unknown>;

  constructor(
    readonly method: string,
    params: unknown,
  ) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw invalidParams(method, 'params must be an object.');
    }
    this.params = params as Record<string, unknown>;
  }

  fail(message: string): never {
    throw invalidParams(this.method, message);
  }

  requiredString(field: string): string {
    const value = this.params[field];
    if (typeof value !== 'string' || value === '') this.fail(`'${field}' must be a non-empty string.`);
    return value;
  }

  optionalString(field: string): string | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(`'${field}' must be a string.`);
    return value;
  }

  /** A string that may be empty (a note, a search query). */
  string(field: string, maxLength: number): string {
    const value = this.params[field];
    if (typeof value !== 'string') this.fail(`'${field}' must be a string.`);
    if (value.length > maxLength) this.fail(`'${field}' is longer than ${maxLength} characters.`);
    return value;
  }

  /** A feedback value: true/false, a finite number, or a string of at most 10,000 characters. */
  feedbackValue(field: string): boolean | number | string {
    const value = this.params[field];
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
    if (typeof value === 'string' && value.length <= 10_000) return value;
    this.fail(`'${field}' must be true, false, a number or a string of at most 10,000 characters.`);
  }

  optionalBoolean(field: string): boolean | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') this.fail(`'${field}' must be true or false.`);
    return value;
  }

  optionalInteger(field: string, min: number, max: number): number | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`'${field}' must be an integer from ${min} to ${max}.`);
    }
    return value;
  }

  /** Distinct non-empty strings, in their first order. */
  stringList(field: string, { min, max }: { min: number; max: number }): string[] {
    const value = this.params[field];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
      this.fail(`'${field}' must be a list of non-empty strings.`);
    }
    const distinct = [...new Set(value as string[])];
    if (distinct.length < min || distinct.length > max) {
      this.fail(`'${field}' must hold ${min === max ? min : `${min} to ${max}`} distinct ${max === 1 ? 'entry' : 'entries'}, not ${distinct.length}.`);
    }
    return distinct;
  }

  optionalStringList(field: string, limits: { min: number; max: number }): string[] | undefined {
    return this.params[field] === undefined ? undefined : this.stringList(field, limits);
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(`'${field}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
    }
    return value as T;
  }

  chartOptions(field: string): MetricChartOptions {
    const value = this.params[field];
    if (value === undefined) return defaultMetricChartOptions;
    const nested = this.nested(field);
    const smoothing = nested.params.smoothing ?? 0;
    if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing < 1)) this.fail(`'${field}.smoothing' must be a number in [0, 1).`);
    return {
      xAxis: nested.oneOf<XAxis>('xAxis', xAxes) ?? 'step',
      smoothing,
      logScale: nested.optionalBoolean('logScale') ?? false,
    };
  }

  sort(field: string): TableSort | undefined {
    if (this.params[field] === undefined) return undefined;
    const nested = this.nested(field);
    return { column: nested.requiredString('column'), direction: nested.oneOf('direction', ['asc', 'desc'] as const) ?? 'asc' };
  }

  aggregations(field: string): Record<string, MetricAggregation> {
    return this.record(field, aggregationNames);
  }

  directions(field: string): Record<string, MetricDirection> {
    return this.record(field, directionNames);
  }

  optionalDirection(field: string): MetricDirection | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    if (!directionNames.includes(value as MetricDirection)) this.fail(`'${field}' must be one of ${directionNames.join(', ')}.`);
    return value as MetricDirection;
  }

  fieldRef(field: string): FieldRef {
    return readFieldRef(this.params[field], `'${field}'`, (message) => this.fail(message));
  }

  optionalFieldRef(field: string): FieldRef | undefined {
    return this.params[field] === undefined ? undefined : this.fieldRef(field);
  }

  fieldRefList(field: string, { min, max }: { min: number; max: number }): FieldRef[] {
    const value = this.params[field];
    if (!Array.isArray(value) || value.length < min || value.length > max) this.fail(`'${field}' must be a list of ${min} to ${max} fields.`);
    return value.map((item, index) => readFieldRef(item, `'${field}[${index}]'`, (message) => this.fail(message)));
  }

  /** An optional nested object, read with the same rules (errors name `outer.inner`). */
  nested(field: string): ParamsReader {
    const value = this.params[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`'${field}' must be an object.`);
    return new NestedReader(this.method, value, field);
  }

  has(field: string): boolean {
    return this.params[field] !== undefined;
  }

  private record<T extends string>(field: string, allowed: readonly T[]): Record<string, T> {
    const value = this.params[field];
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`'${field}' must be an object of metric key to value.`);
    // A prototype-free copy: keys come from run data ('__proto__' is a legal metric key).
    const result = Object.create(null) as Record<string, T>;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string' || !(allowed as readonly string[]).includes(item)) {
        this.fail(`'${field}' values must be ${alternatives(allowed)}; '${key}' is not.`);
      }
      result[key] = item as T;
    }
    return result;
  }
}

class NestedReader extends ParamsReader {
  constructor(
    method: string,
    params: unknown,
    private readonly prefix: string,
  ) {
    super(method, params);
  }

  override fail(message: string): never {
    return super.fail(message.replace(/^'/, `'${this.prefix}.`));
  }
}

/** `'a' or 'b'`, `'a', 'b' or 'c'`. */
function alternatives(allowed: readonly string[]): string {
  const quoted = allowed.map((item) => `'${item}'`);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

const xAxes: readonly XAxis[] = ['step', 'time', 'relative'];
const aggregationNames: readonly MetricAggregation[] = ['last', 'min', 'max'];
const directionNames: readonly MetricDirection[] = ['lower', 'higher'];
const attributes: readonly RunAttribute[] = ['name', 'status', 'startTime', 'duration', 'user'];

function readFieldRef(value: unknown, where: string, fail: (message: string) => never): FieldRef {
  if (typeof value !== 'object' || value === null) fail(`${where} must be a field: { kind, key }.`);
  const { kind, key, aggregation } = value as Record<string, unknown>;
  if (typeof key !== 'string' || key === '') fail(`${where}.key must be a non-empty string.`);
  switch (kind) {
    case 'param':
      return { kind, key };
    case 'metric':
      if (aggregation !== undefined && !(aggregationNames as readonly unknown[]).includes(aggregation)) {
        fail(`${where}.aggregation must be 'last', 'min' or 'max'.`);
      }
      return aggregation === undefined ? { kind, key } : { kind, key, aggregation: aggregation as MetricAggregation };
    case 'attribute':
      if (!(attributes as readonly string[]).includes(key)) fail(`${where}.key must be one of ${attributes.join(', ')}.`);
      return { kind, key: key as RunAttribute };
    default:
      return fail(`${where}.kind must be 'param', 'metric' or 'attribute'.`);
  }
}
