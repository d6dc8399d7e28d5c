import { invalidParameter } from '../errors';
import { fragment, placeholders, type SqlFragment } from './sqlFragment';

/**
 * `<column> IN (?, ...)` for the experiment ids of a search request. Ids are strings on the wire
 * and integers in the table; SQLite's column affinity compares them as numbers. No ids, no rows.
 */
export function experimentCondition(column: string, experimentIds: readonly (string | number)[], parameter: string): SqlFragment {
  if (!Array.isArray(experimentIds) || !experimentIds.every((id) => typeof id === 'string' || typeof id === 'number')) {
    throw invalidParameter(`Invalid value for parameter '${parameter}': expected a list of experiment ids`);
  }
  const list = placeholders(experimentIds);
  return fragment(`${column} IN (${list.sql})`, list.params);
}
