import { invalidParameter } from '../errors';
import type { OrderByClause } from './orderByParser';
import { allOf, fragment, joinFragments, type SqlFragment } from './sqlFragment';

/** One field of an ORDER BY, with what it needs from the FROM clause. */
export interface OrderTerm {
  /** Identity of the sorted field, aliases resolved, to refuse a field named twice. */
  readonly id: string;
  /** LEFT JOINs that bring the sorted value in (keys bound as parameters). */
  readonly joins: readonly SqlFragment[];
  /** ORDER BY expressions, directions included. */
  readonly keys: readonly SqlFragment[];
}

/** `expression ASC|DESC NULLS LAST`: entities lacking the value sort last in either direction, as MLflow. */
export function nullsLast(expression: string, ascending: boolean): SqlFragment {
  return fragment(`${expression} ${ascending ? 'ASC' : 'DESC'} NULLS LAST`);
}

/** A term on a column of the searched table itself. */
export function columnTerm(id: string, column: string, ascending: boolean): OrderTerm {
  return { id, joins: [], keys: [nullsLast(column, ascending)] };
}

/** Refuses a field ordered twice (`created` and `start_time` count as one), as MLflow. */
export function refuseDuplicates(terms: readonly OrderTerm[], clauses: readonly OrderByClause[]): void {
  const seen = new Set<string>();
  for (const term of terms) {
    if (seen.has(term.id)) throw invalidParameter(`\`order_by\` contains duplicate fields: ${clauses.map((clause) => clause.text).join(', ')}`);
    seen.add(term.id);
  }
}

/** Term ids of the given terms, for tie-breakers that apply only when the caller did not sort on them. */
export function orderedIds(terms: readonly OrderTerm[]): ReadonlySet<string> {
  return new Set(terms.map((term) => term.id));
}

/** `SELECT <columns> FROM <from> <joins> WHERE <conditions> ORDER BY <keys>` with parameters in placeholder order. */
export function selectStatement(parts: {
  readonly columns: string;
  readonly from: string;
  readonly conditions: readonly SqlFragment[];
  readonly terms: readonly OrderTerm[];
}): SqlFragment {
  const select = fragment(`SELECT ${parts.columns} FROM ${parts.from}`);
  const joins = parts.terms.flatMap((term) => term.joins);
  const order = joinFragments(parts.terms.flatMap((term) => term.keys), ', ');
  return joinFragments([select, ...joins, fragment('WHERE'), allOf(parts.conditions), fragment('ORDER BY'), order], ' ');
}
