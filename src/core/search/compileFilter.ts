import { invalidParameter } from '../errors';
import type { Comparison, ComparisonOperator, FilterExpression, StringLiteral } from './filterAst';
import { FaultReporter } from './filterError';
import { resolveFilterField, type FilterCatalog, type FilterField, type ValueTest } from './filterFields';
import { parseFilter } from './filterParser';
import { compileRegexPattern, RegexPatternError, regexLiteralPrefix, regexRequiredLiteral } from './regexPattern';
import { likeEscapeCharacter, likeLiteralPrefix, likeToGlob, likeWithEscape } from './likePattern';
import { fragment, joinFragments, placeholders, type SqlFragment } from './sqlFragment';

/** MLflow's type rules: numbers order, strings match. */
const operatorsByType: Readonly<Record<FilterField['type'], readonly ComparisonOperator[]>> = {
  number: ['=', '!=', '<', '<=', '>', '>='],
  string: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'],
};

/** A filter compiled against a catalog, with the parsed expression for callers that inspect it. */
export interface CompiledFilter {
  readonly expression: FilterExpression;
  readonly where: SqlFragment;
}

/**
 * Parses `text` and compiles it to a WHERE predicate over the catalog's table; undefined for an
 * empty filter. Unknown fields and type violations throw FilterError pointing at the culprit.
 */
export function compileFilter(text: string, catalog: FilterCatalog, fieldExample: string): CompiledFilter | undefined {
  if (typeof text !== 'string') throw invalidParameter("Invalid value for parameter 'filter': expected a string");
  const expression = parseFilter(text, fieldExample);
  if (expression === undefined) return undefined;
  const faults = new FaultReporter(text, 'filter');
  return { expression, where: compileExpression(expression, catalog, faults) };
}

function compileExpression(expression: FilterExpression, catalog: FilterCatalog, faults: FaultReporter): SqlFragment {
  if (expression.kind === 'comparison') return compileComparison(expression, catalog, faults);
  const operands = expression.operands.map((operand) => compileExpression(operand, catalog, faults));
  const joined = joinFragments(operands, expression.kind === 'and' ? ' AND ' : ' OR ');
  return fragment(`(${joined.sql})`, joined.params);
}

function compileComparison(comparison: Comparison, catalog: FilterCatalog, faults: FaultReporter): SqlFragment {
  const field = resolveFilterField(catalog, comparison.field, faults);
  checkTypes(field, comparison, faults);
  if (comparison.operator === 'RLIKE' && comparison.value.kind === 'string') checkRegexPattern(comparison.value, faults);
  return field.where(valueTest(comparison));
}

function checkTypes(field: FilterField, comparison: Comparison, faults: FaultReporter): void {
  if (field.operators !== undefined) {
    if (!field.operators.allowed.includes(comparison.operator)) faults.fail(field.operators.refusal(comparison.operator), comparison.operatorOffset);
  } else if (!operatorsByType[field.type].includes(comparison.operator)) {
    faults.fail(
      `the operator ${comparison.operator} does not apply to ${field.label}, which holds ${field.type}s: use one of ${operatorsByType[field.type].join(', ')}`,
      comparison.operatorOffset,
    );
  }
  const literals = comparison.value.kind === 'list' ? comparison.value.items : [comparison.value];
  for (const literal of literals) {
    if (literal.kind === field.type) continue;
    if (field.type === 'number') faults.fail(`expected a number for ${field.label}, found the string ${literal.text}`, literal.offset);
    faults.fail(`expected a quoted string for ${field.label}, found ${literal.text}: write '${literal.text}'`, literal.offset);
  }
}

/** A pattern RE2 cannot run (or too large to) is a 400 pointing at it, before any row is read. */
function checkRegexPattern(pattern: StringLiteral, faults: FaultReporter): void {
  try {
    compileRegexPattern(pattern.value);
  } catch (error) {
    if (error instanceof RegexPatternError) faults.fail(error.message, pattern.offset);
    throw error;
  }
}

function valueTest(comparison: Comparison): ValueTest {
  return {
    operator: comparison.operator,
    literalPrefix: literalPrefixOf(comparison),
    on: (column) => renderTest(typeof column === 'string' ? fragment(column) : column, comparison),
  };
}

function literalPrefixOf(comparison: Comparison): string {
  if (comparison.value.kind !== 'string') return '';
  if (comparison.operator === 'LIKE' || comparison.operator === 'ILIKE') return likeLiteralPrefix(comparison.value.value);
  return comparison.operator === 'RLIKE' ? regexLiteralPrefix(comparison.value.value) : '';
}

function renderTest(column: SqlFragment, comparison: Comparison): SqlFragment {
  const { operator, value } = comparison;
  if (value.kind === 'list') {
    const list = placeholders(value.items.map((item) => item.value));
    return fragment(`${column.sql} ${operator} (${list.sql})`, [...column.params, ...list.params]);
  }
  switch (operator) {
    case 'LIKE':
      return fragment(`${column.sql} GLOB ?`, [...column.params, likeToGlob(String(value.value))]);
    case 'ILIKE':
      return fragment(`${column.sql} LIKE ? ESCAPE '${likeEscapeCharacter}'`, [...column.params, likeWithEscape(String(value.value))]);
    case 'RLIKE': {
      // SQLite calls regexp(pattern, value), registered on every connection (store/connection.ts);
      // a literal every match holds is looked for first, with instr, far cheaper than RE2.
      const pattern = String(value.value);
      const regexp = fragment(`${column.sql} REGEXP ?`, [...column.params, pattern]);
      const literal = regexRequiredLiteral(pattern);
      if (literal === '') return regexp;
      return fragment(`(instr(${column.sql}, ?) > 0 AND ${regexp.sql})`, [...column.params, literal, ...regexp.params]);
    }
    default:
      return fragment(`${column.sql} ${operator} ?`, [...column.params, value.value]);
  }
}
