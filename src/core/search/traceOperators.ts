import type { ComparisonOperator } from './filterAst';
import type { FilterField, OperatorRule } from './filterFields';

/**
 * Which comparators each kind of trace field takes, as MLflow 3.6's `SearchTraceUtils` and its SQL
 * store decide, with MLflow's refusal (400 INVALID_PARAMETER_VALUE): `Invalid comparator 'IN' not
 * one of '{...}'`, or for span fields `span.content comparator 'RLIKE' not one of '{...}'`.
 * The sets are printed as Python prints them, in a fixed order (Python's own varies by process).
 */

/** VALID_STRING_ATTRIBUTE_COMPARATORS: request_id, status, name, run_id, client_request_id. */
const stringAttributeOperators: readonly ComparisonOperator[] = ['!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'];
/** VALID_NUMERIC_ATTRIBUTE_COMPARATORS: the times. */
const numericAttributeOperators: readonly ComparisonOperator[] = ['>', '>=', '!=', '=', '<', '<='];
/** VALID_TAG_COMPARATORS, which request metadata shares: no lists. */
const tagOperators: readonly ComparisonOperator[] = ['!=', '=', 'LIKE', 'ILIKE', 'RLIKE'];
/** VALID_SPAN_ATTRIBUTE_COMPARATORS: span name, type, status and attributes. */
const spanOperators: readonly ComparisonOperator[] = ['!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'];
/** VALID_SPAN_CONTENT_COMPARATORS: `span.content`, and `text`, which MLflow maps onto it. */
const spanContentOperators: readonly ComparisonOperator[] = ['LIKE', 'ILIKE'];
/** VALID_ASSESSMENT_COMPARATORS (feedback, expectation) as of 3.6: no lists, no ordering. */
const assessmentOperators: readonly ComparisonOperator[] = ['!=', '=', 'LIKE', 'ILIKE', 'RLIKE'];

function pythonSet(operators: readonly ComparisonOperator[]): string {
  return `{${operators.map((operator) => `'${operator}'`).join(', ')}}`;
}

function comparatorRule(allowed: readonly ComparisonOperator[]): OperatorRule {
  return { allowed, refusal: (operator) => `Invalid comparator '${operator}' not one of '${pythonSet(allowed)}'` };
}

function spanRule(key: string, allowed: readonly ComparisonOperator[]): OperatorRule {
  return { allowed, refusal: (operator) => `span.${key} comparator '${operator}' not one of '${pythonSet(allowed)}'` };
}

export const traceOperators = {
  stringAttribute: comparatorRule(stringAttributeOperators),
  numericAttribute: comparatorRule(numericAttributeOperators),
  tag: comparatorRule(tagOperators),
  assessment: comparatorRule(assessmentOperators),
  /** `span.name`, `span.type`, `span.status`, `span.attributes.<key>`: the key as written after `span.`. */
  span: (key: string): OperatorRule => spanRule(key, spanOperators),
  /** `span.content` and `text` (MLflow names `content` in the refusal of either). */
  spanContent: spanRule('content', spanContentOperators),
} as const;

/** The field, taking only the rule's operators. */
export function withOperators(field: FilterField, operators: OperatorRule): FilterField {
  return { ...field, operators };
}
