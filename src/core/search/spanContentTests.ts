import type { Comparison, FieldRef, FilterExpression } from './filterAst';
import { FaultReporter } from './filterError';
import { parseFilter } from './filterParser';

/** `span.content LIKE|ILIKE '...'` or `text LIKE|ILIKE '...'`: a test of the trace's span files, after SQL. */
export interface SpanContentTest {
  /** `text` also matches the request and response previews and the trace's name. */
  readonly field: 'span.content' | 'text';
  readonly operator: 'LIKE' | 'ILIKE';
  readonly pattern: string;
}

const attributePrefixes = new Set(['attribute', 'attributes', 'attr', 'trace']);
const spanPrefixes = new Set(['span', 'spans']);

/** Which content field a filter's field names, if any (the catalog resolved the same names). */
function contentFieldOf(field: FieldRef): SpanContentTest['field'] | undefined {
  const entity = field.entity?.toLowerCase();
  if (entity !== undefined && spanPrefixes.has(entity) && field.key.toLowerCase() === 'content') return 'span.content';
  if ((entity === undefined || attributePrefixes.has(entity)) && field.key === 'text') return 'text';
  return undefined;
}

/**
 * The filter's span content tests, which SQL cannot decide: the executor tests them on the rows the
 * rest of the filter selects. They must be conditions of the whole filter (alone, or ANDed at the
 * top): under an OR, a trace could match without them, which would need every trace's files read.
 * Such a filter is a 400 pointing at the field. The filter is assumed valid otherwise (compiled first).
 */
export function spanContentTests(filter: string | undefined): SpanContentTest[] {
  if (typeof filter !== 'string') return [];
  const expression = parseFilter(filter, '');
  if (expression === undefined) return [];
  const tests: SpanContentTest[] = [];
  for (const operand of conjunctsOf(expression)) {
    if (operand.kind === 'comparison') {
      const field = contentFieldOf(operand.field);
      if (field !== undefined) tests.push(testOf(field, operand));
    } else refuseNested(operand, filter);
  }
  return tests;
}

/** The conditions the whole filter ANDs, parenthesised ANDs included: `(a AND b) AND c` is a, b, c. */
function conjunctsOf(expression: FilterExpression): FilterExpression[] {
  return expression.kind === 'and' ? expression.operands.flatMap(conjunctsOf) : [expression];
}

function refuseNested(expression: FilterExpression, filter: string): void {
  if (expression.kind === 'comparison') {
    const field = contentFieldOf(expression.field);
    if (field === undefined) return;
    new FaultReporter(filter, 'filter').fail(
      `${field} searches the span files after the rest of the filter, so it can be combined with AND only, not inside OR: search for it on its own, or AND it with the rest`,
      expression.field.offset,
    );
    return;
  }
  for (const operand of expression.operands) refuseNested(operand, filter);
}

function testOf(field: SpanContentTest['field'], comparison: Comparison): SpanContentTest {
  // The catalog already refused any other operator or value for these fields.
  return { field, operator: comparison.operator as 'LIKE' | 'ILIKE', pattern: String((comparison.value as { value: unknown }).value) };
}
