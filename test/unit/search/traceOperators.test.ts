// Issue 16: each trace field takes the comparators MLflow 3.6's SearchTraceUtils gives it, and
// any other is a 400 INVALID_PARAMETER_VALUE worded as MLflow's (`Invalid comparator 'IN' not one
// of '{...}'`, `span.content comparator 'RLIKE' not one of '{...}'`), pointing at the operator.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MlflowError } from '../../../src/core/errors';
import { compileTraceSearch, traceFilterProblem } from '../../../src/core/search/traceSearch';

const stringAttributeSet = "'{'!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'}'";
const numericSet = "'{'>', '>=', '!=', '=', '<', '<='}'";
const tagSet = "'{'!=', '=', 'LIKE', 'ILIKE', 'RLIKE'}'";
const spanSet = "'{'!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'}'";
const contentSet = "'{'LIKE', 'ILIKE'}'";

/** Every operator written as a filter on `field`, with a value of the kind it needs. */
function comparisons(field: string, value: string): Record<string, string> {
  const list = `(${value})`;
  return {
    '=': `${field} = ${value}`,
    '!=': `${field} != ${value}`,
    '<': `${field} < ${value}`,
    '<=': `${field} <= ${value}`,
    '>': `${field} > ${value}`,
    '>=': `${field} >= ${value}`,
    LIKE: `${field} LIKE ${value}`,
    ILIKE: `${field} ILIKE ${value}`,
    RLIKE: `${field} RLIKE ${value}`,
    IN: `${field} IN ${list}`,
    'NOT IN': `${field} NOT IN ${list}`,
  };
}

/** The fields of each kind, the operators MLflow takes for them and how it refuses the others. */
const kinds: { fields: string[]; value: string; allowed: string[]; refusal: (field: string, operator: string) => string }[] = [
  {
    fields: ['status', 'trace.status', 'request_id', 'name', 'trace.name', 'run_id', 'attribute.run_id', 'client_request_id'],
    value: "'x'",
    allowed: ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN'],
    refusal: (_, operator) => `Invalid comparator '${operator}' not one of ${stringAttributeSet}`,
  },
  {
    fields: ['timestamp_ms', 'timestamp', 'execution_time_ms', 'trace.execution_time', 'end_time_ms', 'end_time'],
    value: '5',
    allowed: ['=', '!=', '<', '<=', '>', '>='],
    refusal: (_, operator) => `Invalid comparator '${operator}' not one of ${numericSet}`,
  },
  {
    fields: ['tags.env', 'tag.env', 'request_metadata.`mlflow.user`', 'metadata.user', 'feedback.relevance', 'expectation.answer'],
    value: "'x'",
    allowed: ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'],
    refusal: (_, operator) => `Invalid comparator '${operator}' not one of ${tagSet}`,
  },
  {
    fields: ['span.name', 'span.type', 'span.status', 'span.attributes.model', 'span.attributes.gen_ai.request.model'],
    value: "'x'",
    allowed: ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN'],
    refusal: (field, operator) => `${field.replace(/`/g, '')} comparator '${operator}' not one of ${spanSet}`,
  },
  {
    // MLflow maps `text` onto `span.content` and refuses it under that name.
    fields: ['text', 'trace.text'],
    value: "'x'",
    allowed: ['LIKE', 'ILIKE'],
    refusal: (_, operator) => `span.content comparator '${operator}' not one of ${contentSet}`,
  },
];

describe('trace filter operators, field by field, as MLflow 3.6', () => {
  for (const kind of kinds) {
    test(`${kind.fields[0]} and its kind take ${kind.allowed.join(', ')}, and refuse the rest in MLflow's words`, () => {
      for (const field of kind.fields) {
        for (const [operator, filter] of Object.entries(comparisons(field, kind.value))) {
          const problem = traceFilterProblem(filter);
          if (kind.allowed.includes(operator)) {
            assert.equal(problem, undefined, filter);
            continue;
          }
          assert.ok(problem !== undefined, `${filter} should be refused`);
          const reason = problem.split('\n')[0];
          assert.equal(reason, `Invalid filter at column ${filter.indexOf(` ${operator} `) + 2}: ${kind.refusal(field, operator)}`, filter);
        }
      }
    });
  }

  test("span.content: LIKE and ILIKE taken, MLflow's refusals for other operators", () => {
    for (const [operator, filter] of Object.entries(comparisons('span.content', "'%refund%'"))) {
      const problem = traceFilterProblem(filter);
      if (operator === 'LIKE' || operator === 'ILIKE') assert.equal(problem, undefined, filter);
      else assert.match(problem ?? '', new RegExp(`: span\\.content comparator '${operator}' not one of '\\{'LIKE', 'ILIKE'\\}'\n`), filter);
    }
  });

  test('span.content and text under an OR are refused, pointing at the field; ANDed, in parentheses or not, they are taken', () => {
    const nested = "status = 'OK' OR span.content LIKE '%refund%'";
    assert.equal(
      traceFilterProblem(nested)?.split('\n')[0],
      `Invalid filter at column ${nested.indexOf('span.content') + 1}: span.content searches the span files after the rest of the filter, so it can be combined with AND only, not inside OR: search for it on its own, or AND it with the rest`,
    );
    assert.match(traceFilterProblem("(text ILIKE '%a%' OR tags.x = 'y') AND status = 'OK'") ?? '', /: text searches the span files/);
    assert.equal(traceFilterProblem("(text ILIKE '%a%' AND tags.x = 'y') AND status = 'OK'"), undefined);
  });

  test('text RLIKE, accepted before, is refused with 400 INVALID_PARAMETER_VALUE before any row is read', () => {
    let counted = 0;
    assert.throws(
      () =>
        compileTraceSearch({ experimentIds: ['0'], filter: "text RLIKE 'refund'" }, () => {
          counted++;
          return 0;
        }),
      (error: unknown) => MlflowError.is(error, 'INVALID_PARAMETER_VALUE') && error.message.includes("span.content comparator 'RLIKE' not one of '{'LIKE', 'ILIKE'}'"),
    );
    assert.equal(counted, 0);
  });
});
