/**
 * A sweep: one script run with many settings of its arguments and environment variables. The
 * same spec comes from a sweep file (`*.sweep.json`, `*.sweep.yaml`), from the quick input of
 * Run Sweep…, or from `runlens sweep FILE`; schemas/sweep.schema.json describes the file form.
 */
export type SweepValue = string | number | boolean;

/** How one argument (or variable) varies: a list of values, or a range to sample (random only). */
export type ParameterSpec = readonly SweepValue[] | { readonly values: readonly SweepValue[] } | SweepRange;

export interface SweepRange {
  readonly min: number;
  readonly max: number;
  /** Sample evenly on a log scale (learning rates); min must then be above 0. */
  readonly log?: boolean;
  /** Whole numbers only, both ends included. */
  readonly integer?: boolean;
}

export type SweepMethod = 'grid' | 'list' | 'random';

export interface SweepSpec {
  /** The Python script, relative to the sweep file's folder (or absolute). */
  readonly script?: string;
  readonly method: SweepMethod;
  /** Arguments passed as `--name value`; `true` passes the bare flag, `false` leaves it out. */
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  /** Environment variables, varied like the parameters. */
  readonly env: Readonly<Record<string, ParameterSpec>>;
  /** method `list`: the points themselves; `env.NAME` keys set variables, the others arguments. */
  readonly points: readonly Readonly<Record<string, SweepValue>>[];
  /** Arguments every point gets before its own. */
  readonly args: readonly string[];
  /** method `random`: how many points, and the seed that makes them the same every time. */
  readonly samples?: number;
  readonly seed?: number;
  /** How many points run at once; the setting `runlens.sweep.concurrency` when absent. */
  readonly concurrency?: number;
  /** The metric that ranks the runs in the dashboard's parallel coordinates. */
  readonly metric?: { readonly name: string; readonly goal?: 'minimize' | 'maximize' };
  readonly experiment?: string;
  readonly name?: string;
}

/** One run of the sweep: its command-line arguments, its variables, and the varied values by name. */
export interface SweepPoint {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** What varies, keyed `name` for arguments and `env.NAME` for variables, as text. */
  readonly values: Readonly<Record<string, string>>;
}

/** A sweep spec that cannot be run, with where in it the problem is. */
export class SweepSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepSpecError';
  }
  static is(error: unknown): error is SweepSpecError {
    return error instanceof SweepSpecError;
  }
}

/** More points than this is a typo (a grid of 6 lists of 10), not a sweep. */
export const maxSweepPoints = 10_000;
const envPrefix = 'env.';
const namePattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks parsed JSON or YAML against the sweep spec; the error names the first bad field. */
export function validateSweepSpec(input: unknown): SweepSpec {
  const spec = record(input, 'the sweep');
  const known = new Set(['$schema', 'script', 'method', 'parameters', 'env', 'points', 'args', 'samples', 'seed', 'concurrency', 'metric', 'experiment', 'name']);
  for (const key of Object.keys(spec)) if (!known.has(key)) fail(`${key}: not a sweep field (expected one of ${[...known].slice(1).join(', ')})`);
  const parameters = parameterMap(spec.parameters, 'parameters', namePattern);
  const env = parameterMap(spec.env, 'env', envNamePattern);
  const points = spec.points === undefined ? [] : list(spec.points, 'points').map((point, index) => pointValues(point, `points[${index}]`));
  const method = spec.method ?? (points.length > 0 ? 'list' : 'grid');
  if (method !== 'grid' && method !== 'list' && method !== 'random') fail(`method: expected grid, list or random, not ${JSON.stringify(method)}`);
  if (method === 'list' && points.length === 0) fail('points: a list sweep needs one point or more');
  if (method !== 'list' && points.length > 0) fail(`points: only a list sweep takes points (method is ${method})`);
  if (method !== 'list' && Object.keys(parameters).length + Object.keys(env).length === 0) fail('parameters: name at least one argument (or env variable) to vary');
  if (method === 'grid') {
    const named = { ...Object.fromEntries(Object.entries(parameters).map(([name, parameter]) => [`parameters.${name}`, parameter])), ...prefixed(env) };
    for (const [name, parameter] of Object.entries(named)) {
      if (!isValueList(parameter)) fail(`${name}: a grid takes a list of values, not a range (use method random to sample a range)`);
    }
  }
  const samples = optionalInteger(spec.samples, 'samples', 1, maxSweepPoints);
  if (method === 'random' && samples === undefined) fail('samples: a random sweep needs the number of points to draw');
  const metric = spec.metric === undefined ? undefined : metricOf(spec.metric);
  return {
    method,
    parameters,
    env,
    points,
    args: spec.args === undefined ? [] : list(spec.args, 'args').map((arg, index) => text(arg, `args[${index}]`)),
    ...(spec.script === undefined ? {} : { script: text(spec.script, 'script') }),
    ...(samples === undefined ? {} : { samples }),
    ...optional('seed', optionalInteger(spec.seed, 'seed', 0, 2 ** 32 - 1)),
    ...optional('concurrency', optionalInteger(spec.concurrency, 'concurrency', 1, 64)),
    ...optional('metric', metric),
    ...optional('experiment', spec.experiment === undefined ? undefined : text(spec.experiment, 'experiment')),
    ...optional('name', spec.name === undefined ? undefined : text(spec.name, 'name')),
  };
}

/** The points of a sweep, in a stable order: the grid's product (last parameter fastest), the list, or seeded samples. */
export function expandSweep(spec: SweepSpec): SweepPoint[] {
  const varied = { ...spec.parameters, ...prefixed(spec.env) };
  let assignments: Record<string, SweepValue>[];
  if (spec.method === 'list') {
    assignments = spec.points.map((point) => ({ ...point }));
  } else if (spec.method === 'grid') {
    const size = Object.values(varied).reduce((product, parameter) => product * valuesOf(parameter).length, 1);
    if (size > maxSweepPoints) fail(`the grid has ${size} points; at most ${maxSweepPoints} run in one sweep`);
    assignments = Object.entries(varied).reduce<Record<string, SweepValue>[]>(
      (partial, [name, parameter]) => partial.flatMap((point) => valuesOf(parameter).map((value) => ({ ...point, [name]: value }))),
      [{}],
    );
  } else {
    const random = seededRandom(spec.seed ?? 0);
    assignments = Array.from({ length: spec.samples ?? 1 }, () =>
      Object.fromEntries(Object.entries(varied).map(([name, parameter]) => [name, sample(parameter, random)])),
    );
  }
  return assignments.map((assignment) => pointOf(assignment, spec.args));
}

function pointOf(assignment: Readonly<Record<string, SweepValue>>, fixedArgs: readonly string[]): SweepPoint {
  const args = [...fixedArgs];
  const env: Record<string, string> = {};
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(assignment)) {
    values[name] = String(value);
    if (name.startsWith(envPrefix)) {
      env[name.slice(envPrefix.length)] = String(value);
    } else if (value === true) {
      args.push(`--${name}`);
    } else if (value !== false) {
      args.push(`--${name}`, String(value));
    }
  }
  return { args, env, values };
}

function valuesOf(parameter: ParameterSpec): readonly SweepValue[] {
  return Array.isArray(parameter) ? parameter : (parameter as { values: readonly SweepValue[] }).values;
}

function isValueList(parameter: ParameterSpec): boolean {
  return Array.isArray(parameter) || 'values' in parameter;
}

function sample(parameter: ParameterSpec, random: () => number): SweepValue {
  if (isValueList(parameter)) {
    const values = valuesOf(parameter);
    return values[Math.floor(random() * values.length)];
  }
  const { min, max, log, integer } = parameter as SweepRange;
  if (integer) {
    const low = Math.ceil(min);
    return low + Math.floor(random() * (Math.floor(max) - low + 1));
  }
  const drawn = log ? Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))) : min + random() * (max - min);
  // Six significant digits: enough to tell points apart, short enough to read in a param column.
  return Number(drawn.toPrecision(6));
}

/** mulberry32: small, fast and the same on every machine, so a seed names the same points everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function prefixed(env: Readonly<Record<string, ParameterSpec>>): Record<string, ParameterSpec> {
  return Object.fromEntries(Object.entries(env).map(([name, parameter]) => [`${envPrefix}${name}`, parameter]));
}

function parameterMap(input: unknown, where: string, names: RegExp): Record<string, ParameterSpec> {
  if (input === undefined) return {};
  const entries = Object.entries(record(input, where));
  for (const [name] of entries) if (!names.test(name)) fail(`${where}.${name}: not a usable name (letters, digits and _ ; it must not start with a digit)`);
  return Object.fromEntries(entries.map(([name, parameter]) => [name, parameterOf(parameter, `${where}.${name}`)]));
}

function parameterOf(input: unknown, where: string): ParameterSpec {
  if (Array.isArray(input)) return valueList(input, where);
  const spec = record(input, where, 'a list of values, {"values": [...]} or {"min": …, "max": …}');
  if ('values' in spec) return { values: valueList(spec.values, `${where}.values`) };
  const min = finite(spec.min, `${where}.min`);
  const max = finite(spec.max, `${where}.max`);
  if (!(min <= max)) fail(`${where}: min (${min}) must not be above max (${max})`);
  if (spec.log !== undefined && typeof spec.log !== 'boolean') fail(`${where}.log: expected true or false`);
  if (spec.integer !== undefined && typeof spec.integer !== 'boolean') fail(`${where}.integer: expected true or false`);
  if (spec.log === true && min <= 0) fail(`${where}: a log range needs min above 0`);
  if (spec.integer === true && Math.ceil(min) > Math.floor(max)) fail(`${where}: no whole number lies between min and max`);
  return { min, max, ...optional('log', spec.log as boolean | undefined), ...optional('integer', spec.integer as boolean | undefined) };
}

function valueList(input: unknown, where: string): SweepValue[] {
  const values = list(input, where);
  if (values.length === 0) fail(`${where}: give one value or more`);
  return values.map((value, index) => scalar(value, `${where}[${index}]`));
}

function pointValues(input: unknown, where: string): Record<string, SweepValue> {
  const point = record(input, where);
  for (const name of Object.keys(point)) {
    const ok = name.startsWith(envPrefix) ? envNamePattern.test(name.slice(envPrefix.length)) : namePattern.test(name);
    if (!ok) fail(`${where}.${name}: not a usable name`);
  }
  return Object.fromEntries(Object.entries(point).map(([name, value]) => [name, scalar(value, `${where}.${name}`)]));
}

function metricOf(input: unknown): NonNullable<SweepSpec['metric']> {
  const metric = record(input, 'metric');
  const goal = metric.goal;
  if (goal !== undefined && goal !== 'minimize' && goal !== 'maximize') fail('metric.goal: expected minimize or maximize');
  return { name: text(metric.name, 'metric.name'), ...optional('goal', goal as 'minimize' | 'maximize' | undefined) };
}

function scalar(value: unknown, where: string): SweepValue {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  return fail(`${where}: expected a string, number or boolean`);
}

function record(value: unknown, where: string, expected = 'an object'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where}: expected ${expected}`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(`${where}: expected a list`);
  return value as unknown[];
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${where}: expected a non-empty string`);
  return value as string;
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where}: expected a number`);
  return value as number;
}

function optionalInteger(value: unknown, where: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(`${where}: expected a whole number from ${min} to ${max}`);
  return value as number;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function fail(message: string): never {
  throw new SweepSpecError(message);
}
