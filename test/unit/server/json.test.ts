import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MlflowError } from '../../../src/core/errors';
import { parseJson, toJson } from '../../../src/server/json';

describe('wire JSON', () => {
  test('parses the NaN, Infinity and -Infinity literals that Python json.dumps writes', () => {
    const body = parseJson('{"metrics": [{"key": "a", "value": NaN}, {"key": "b", "value": Infinity}, {"key": "c", "value": -Infinity}, {"key": "d", "value": -1.5e3}]}') as {
      metrics: { value: number }[];
    };
    const values = body.metrics.map((m) => m.value);
    assert.ok(Number.isNaN(values[0]));
    assert.equal(values[1], Infinity);
    assert.equal(values[2], -Infinity);
    assert.equal(values[3], -1500);
  });

  test('takes those words inside strings as text, and keeps every other JSON value exactly', () => {
    const text = '{"s": "NaN \\"Infinity\\" \\u00e9\\n", "n": null, "t": true, "f": false, "e": [], "o": {}, "x": NaN, "big": 1795671066637}';
    const parsed = parseJson(text) as Record<string, unknown>;
    assert.equal(parsed.s, 'NaN "Infinity" é\n');
    assert.deepEqual([parsed.n, parsed.t, parsed.f, parsed.e, parsed.o, parsed.big], [null, true, false, [], {}, 1795671066637]);
  });

  test('keeps a "__proto__" key as an own property, never as the prototype', () => {
    const parsed = parseJson('{"__proto__": {"polluted": 1}, "v": NaN}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.keys(parsed), ['__proto__', 'v']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  for (const [text, offset] of [
    ['{"a": nan}', 6],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['{"a": "x', 6],
    ['[1, 2', 5],
    ['{"a": 01}', 7],
    ['{"a": 1} x', 9],
    ['{"a": "\\q"}', 6],
  ] as const) {
    test(`refuses ${JSON.stringify(text)} with the offset where it broke`, () => {
      assert.throws(
        () => parseJson(text),
        (error: unknown) =>
          MlflowError.is(error, 'INVALID_PARAMETER_VALUE') && error.message.includes(`offset ${offset}:`),
      );
    });
  }

  test('refuses nesting deep enough to exhaust the stack, with a clear error', () => {
    const deep = '['.repeat(100_000) + 'NaN' + ']'.repeat(100_000);
    assert.throws(() => parseJson(deep), /nesting deeper than/);
  });

  test('writes non-finite numbers as the strings protobuf JSON uses, and leaves the rest to JSON.stringify', () => {
    assert.equal(toJson({ a: [1, NaN, Infinity, -Infinity], b: 'NaN' }), '{"a":[1,"NaN","Infinity","-Infinity"],"b":"NaN"}');
    const plain = { metrics: [{ key: 'x', value: 0.5, step: 3 }] };
    assert.equal(toJson(plain), JSON.stringify(plain));
  });
});
