/**
 * A string literal in MLflow's filter language: quoted, with quotes doubled and backslashes
 * escaped, so that a name (untrusted run data) is only ever compared, never parsed as filter.
 */
export function filterLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
