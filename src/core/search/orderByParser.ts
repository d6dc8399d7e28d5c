import { invalidParameter } from '../errors';
import type { FieldRef } from './filterAst';
import { FaultReporter } from './filterError';
import { parseField } from './fieldParser';
import { FilterScanner } from './filterScanner';

/** One order_by clause: `metrics.rmse DESC`, ``params.`my key` ``, `start_time ASC`. */
export interface OrderByClause {
  readonly field: FieldRef;
  readonly ascending: boolean;
  /** The clause as written, for messages. */
  readonly text: string;
}

/**
 * Parses one order_by clause: a field (quoted as in filters) and an optional ASC or DESC, in any
 * case; ascending by default, as MLflow. Throws FilterError, pointing at the fault.
 */
export function parseOrderByClause(text: string, fieldExample: string): OrderByClause {
  const scanner = new FilterScanner(new FaultReporter(text, 'order_by clause'));
  scanner.skipSpace();
  if (scanner.atEnd()) scanner.faults.fail(`the clause is empty: name a field such as ${fieldExample}`, scanner.position);
  const field = parseField(scanner, fieldExample);
  scanner.skipSpace();
  let ascending = true;
  if (!scanner.atEnd()) {
    if (scanner.matchKeyword('DESC')) ascending = false;
    else if (!scanner.matchKeyword('ASC')) scanner.faults.fail(`expected ASC or DESC after '${field.text}'`, scanner.position);
    scanner.skipSpace();
    if (!scanner.atEnd()) scanner.faults.fail('unexpected text after the direction: one clause orders by one field', scanner.position);
  }
  return { field, ascending, text };
}

/**
 * Parses a request's order_by list, or `defaults` when it is absent or empty (MLflow's default
 * orders); a value that is not a list of strings is a 400.
 */
export function parseOrderByList(clauses: readonly string[] | undefined, fieldExample: string, defaults: readonly string[] = []): OrderByClause[] {
  if (clauses === undefined || clauses === null || (Array.isArray(clauses) && clauses.length === 0)) clauses = defaults;
  if (!Array.isArray(clauses) || !clauses.every((clause) => typeof clause === 'string')) {
    throw invalidParameter("Invalid value for parameter 'order_by': expected a list of strings such as 'metrics.rmse DESC'");
  }
  return clauses.map((clause) => parseOrderByClause(clause, fieldExample));
}
