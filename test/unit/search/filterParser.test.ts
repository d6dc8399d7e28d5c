import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Comparison, FilterExpression } from '../../../src/core/search/filterAst';
import { parseFilter } from '../../../src/core/search/filterParser';
import { validateRunFilter } from '../../../src/core/search/filterValidation';
import { likeToGlob, likeWithEscape } from '../../../src/core/search/likePattern';
import { parseOrderByClause } from '../../../src/core/search/orderByParser';

const example = 'metrics.rmse';

/** A compact rendering of the tree: (a AND b) OR c, with each comparison as entity.key op value. */
function shape(expression: FilterExpression | undefined): string {
  if (expression === undefined) return '';
  if (expression.kind === 'comparison') return render(expression);
  return `(${expression.operands.map(shape).join(` ${expression.kind.toUpperCase()} `)})`;
}

function render(comparison: Comparison): string {
  const { field, operator, value } = comparison;
  const name = field.entity === undefined ? `[${field.key}]` : `${field.entity}.[${field.key}]`;
  const shown = value.kind === 'list' ? `(${value.items.map((item) => JSON.stringify(item.value)).join(',')})` : JSON.stringify(value.value);
  return `${name} ${operator} ${shown}`;
}

describe('parseFilter', () => {
  const cases: [string, string][] = [
    ['metrics.rmse < 0.5', 'metrics.[rmse] < 0.5'],
    ["a = 'x' OR b = 'y' AND c = 'z'", '([a] = "x" OR ([b] = "y" AND [c] = "z"))'],
    ["(a = 'x' OR b = 'y') AND c = 'z'", '(([a] = "x" OR [b] = "y") AND [c] = "z")'],
    ["a = 'x' and b = 'y' and c = 'z'", '([a] = "x" AND [b] = "y" AND [c] = "z")'],
    ["a = 'x' or b = 'y' or c = 'z'", '([a] = "x" OR [b] = "y" OR [c] = "z")'],
    ["tags.mlflow.source.git.commit = 'abc'", 'tags.[mlflow.source.git.commit] = "abc"'],
    ['metrics.`train loss` <= -1.5e-3', 'metrics.[train loss] <= -0.0015'],
    ['params."my.key" != "v"', 'params.[my.key] != "v"'],
    ['params."a""b" = \'c\'', 'params.[a"b] = "c"'],
    ['`Run Name` ilike \'%x%\'', '[Run Name] ILIKE "%x%"'],
    ["run_id not   in ('a','b' , 'c')", '[run_id] NOT IN ("a","b","c")'],
    ["params.lr In ('a')", 'params.[lr] IN ("a")'],
    ['metrics.1st_epoch > +2', 'metrics.[1st_epoch] > 2'],
    ['metrics.größe > 1', 'metrics.[größe] > 1'],
    ["tags.note = 'a\\\\b'", 'tags.[note] = "a\\\\b"'],
    ["tags.note = 'a\\%'", 'tags.[note] = "a\\\\%"'],
  ];
  for (const [filter, expected] of cases) {
    test(filter, () => assert.equal(shape(parseFilter(filter, example)), expected));
  }

  test('blank filters parse to nothing', () => {
    assert.equal(parseFilter('', example), undefined);
    assert.equal(parseFilter(' \n ', example), undefined);
  });

  test('nodes keep their offsets', () => {
    const parsed = parseFilter("  params.lr = 'x'", example);
    assert.ok(parsed?.kind === 'comparison');
    assert.equal(parsed.field.offset, 2);
    assert.equal(parsed.field.text, 'params.lr');
    assert.equal(parsed.operatorOffset, 12);
    assert.equal(parsed.value.kind === 'string' && parsed.value.offset, 14);
  });
});

describe('parseOrderByClause', () => {
  test('field and direction', () => {
    assert.deepEqual(
      [parseOrderByClause('metrics.rmse DESC', example), parseOrderByClause(' params.`my key` asc ', example), parseOrderByClause('start_time', example)].map(
        (clause) => [clause.field.entity, clause.field.key, clause.ascending],
      ),
      [
        ['metrics', 'rmse', false],
        ['params', 'my key', true],
        [undefined, 'start_time', true],
      ],
    );
  });
});

describe('validateRunFilter', () => {
  test('accepts what a search accepts', () => {
    for (const filter of ['', "metrics.rmse < 0.5 AND params.lr = '0.01'", "(status = 'FAILED' OR tags.team = 'x') AND created > 0"]) {
      assert.deepEqual(validateRunFilter(filter), { ok: true });
    }
  });

  test('explains without throwing: syntax, fields and type rules', () => {
    assert.deepEqual(validateRunFilter('metrics.rmse < AND x'), { ok: false, message: "expected a value after '<'", offset: 15 });
    assert.deepEqual(validateRunFilter("metrics.rmse < 'a'"), {
      ok: false,
      message: "expected a number for metric 'rmse', found the string 'a'",
      offset: 15,
    });
    assert.deepEqual(validateRunFilter("colour = 'red'").ok, false);
    // Typing a filter passes through every prefix; none of them throws.
    const filter = "(metrics.rmse < 0.5 OR params.`my key` IN ('a', 'b')) AND tags.team ILIKE 'v%'";
    for (let end = 0; end <= filter.length; end++) {
      const result = validateRunFilter(filter.slice(0, end));
      if (!result.ok) assert.ok(result.offset >= 0 && result.offset <= end, `offset ${result.offset} outside ${end}`);
    }
    assert.deepEqual(validateRunFilter(filter), { ok: true });
  });
});

describe('LIKE patterns', () => {
  test('to GLOB: wildcards translated, GLOB specials literal, backslash escapes', () => {
    assert.equal(likeToGlob('a%b_c'), 'a*b?c');
    assert.equal(likeToGlob('*?[x]'), '[*][?][[]x]');
    assert.equal(likeToGlob('100\\%'), '100%');
    assert.equal(likeToGlob('a\\_b\\\\c\\d'), 'a_b\\c\\d');
  });

  test('to LIKE with an escape character', () => {
    assert.equal(likeWithEscape('a%b_c'), 'a%b_c');
    assert.equal(likeWithEscape('100\\%'), '100\\%');
    assert.equal(likeWithEscape('a\\_b\\\\c\\d'), 'a\\_b\\\\c\\\\d');
  });
});
