/**
 * Where a traced function is defined: MLflow's `@mlflow.trace` records the function's name
 * (`mlflow.spanFunctionName`); the workspace's Python files say where it lives.
 */
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The zero-based lines of `def <name>(` (async too) for each wanted name found in `text`. */
export function findFunctionDefinitions(text: string, wanted: ReadonlySet<string>): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const match = /^\s*(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(lines[line]);
    if (match && wanted.has(match[1])) found.push({ name: match[1], line });
  }
  return found;
}

export function isFunctionName(name: string): boolean {
  return identifier.test(name);
}

/** The median of durations (ms); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
