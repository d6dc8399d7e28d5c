/** A value bound to a `?` placeholder. Every piece of user text reaches SQL only this way. */
export type SqlParam = string | number | null;

/** A piece of SQL whose `?` placeholders are bound, in order, to `params`. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

export function fragment(sql: string, params: readonly SqlParam[] = []): SqlFragment {
  return { sql, params };
}

/** Joins fragments with a separator, keeping their parameters in placeholder order. */
export function joinFragments(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return {
    sql: parts.map((part) => part.sql).join(separator),
    params: parts.flatMap((part) => part.params),
  };
}

/** `(a AND b AND ...)`; an empty list is true. */
export function allOf(parts: readonly SqlFragment[]): SqlFragment {
  if (parts.length === 0) return fragment('1');
  const joined = joinFragments(parts, ' AND ');
  return parts.length === 1 ? joined : fragment(`(${joined.sql})`, joined.params);
}

/** `?, ?, ?` for a list of values. */
export function placeholders(values: readonly SqlParam[]): SqlFragment {
  return fragment(values.map(() => '?').join(', '), values);
}
