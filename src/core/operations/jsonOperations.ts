/**
 * One thing a guest window asks of the process that owns the store, as a table entry: `parse` reads
 * its arguments from untrusted JSON (the request body) and throws MLflow's INVALID_PARAMETER_VALUE on
 * bad input; `run` does it on the owner's side (`Target`: the store's launches, its tracking store).
 * The window that owns the store runs the same entries in process, with arguments already typed.
 */
export interface JsonOperation<Target, Args, Result> {
  parse(body: Readonly<Record<string, unknown>>): Args;
  run(target: Target, args: Args): Result | Promise<Result>;
}

/** Makes the entries of a table whose operations all run on `Target`. */
export function jsonOperation<Target>() {
  return <Args, Result>(parse: (body: Readonly<Record<string, unknown>>) => Args, run: (target: Target, args: Args) => Result | Promise<Result>): JsonOperation<Target, Args, Result> => ({
    parse,
    run,
  });
}

/** An operation's arguments as `parse` reads them, which is also how a caller sends them (plain JSON). */
export type OperationArgs<Table, K extends keyof Table> = Table[K] extends { parse(body: never): infer Args } ? Args : never;
export type OperationResult<Table, K extends keyof Table> = Table[K] extends { run(target: never, args: never): infer Result } ? Awaited<Result> : never;

/** How a caller runs one operation of a table, in process or in the owner process: the same either way. */
export type OperationCall<Table> = <K extends Extract<keyof Table, string>>(name: K, args: OperationArgs<Table, K>) => Promise<OperationResult<Table, K>>;

/** Runs a table's operations on a target this process holds. */
export function inProcessCall<Table extends object, Target>(table: Table, target: Target): OperationCall<Table> {
  return async (name, args) => runOperation(table, target, name, args);
}

export function isOperationName<Table extends object>(table: Table, name: string): name is Extract<keyof Table, string> {
  return Object.prototype.hasOwnProperty.call(table, name);
}

/** Runs one operation with arguments read from untrusted JSON (the owner's side of a guest's request). */
export async function runOperationFromJson<Target>(
  table: object,
  target: Target,
  name: string,
  body: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  const op = (table as Record<string, JsonOperation<Target, unknown, unknown>>)[name];
  return op.run(target, op.parse(body));
}

/** Runs one operation in process, with arguments already typed. */
export async function runOperation<Target, Table extends object, K extends Extract<keyof Table, string>>(
  table: Table,
  target: Target,
  name: K,
  args: OperationArgs<Table, K>,
): Promise<OperationResult<Table, K>> {
  const op = table[name] as unknown as JsonOperation<Target, OperationArgs<Table, K>, OperationResult<Table, K>>;
  return op.run(target, args);
}
