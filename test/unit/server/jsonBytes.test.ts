import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toJson } from '../../../src/server/json';
import { type EncodedJson, JsonBytes } from '../../../src/server/jsonBytes';
import { writeShortestFraction } from '../../../src/server/shortestDouble';

function text(encoded: EncodedJson): string {
  const bytes = Buffer.concat(encoded.chunks);
  assert.equal(bytes.length, encoded.byteLength, 'byteLength counts every chunk');
  return bytes.toString('utf8');
}

function written(value: number): string {
  const json = new JsonBytes();
  json.number(value);
  return text(json.encoded());
}

/** Doubles from random bit patterns (all exponents, subnormals included), from a fixed seed. */
function randomDoubles(count: number, seed: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  let state = seed;
  const next32 = (): number => {
    // xorshift32: deterministic, so a failure names the same value on every run.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  return Array.from({ length: count }, () => {
    view.setUint32(0, next32());
    view.setUint32(4, next32());
    return view.getFloat64(0);
  });
}

const edgeCases = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1,
  -1,
  9,
  10,
  99_999_999,
  100_000_000,
  100_000_001,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  1_700_000_000_000,
  -1_700_000_000_123,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e15,
  1e16,
  1e20,
  1e21,
  -1e21,
  1.5e300,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  1e-7,
  1e-6,
  0.000001234,
  0.1,
  0.1 + 0.2,
  1 / 3,
  -2 / 3,
  123456.789,
  4.35,
  0.5,
  -0.5,
  1.7976931348623157e308,
];

describe('JsonBytes', () => {
  test('writes every number exactly as toJson does: integers, fractions, exponents, -0, NaN and the infinities', () => {
    for (const value of edgeCases) assert.equal(written(value), toJson(value), `for ${String(value)}`);
  });

  test('writes 100,000 doubles of random bit patterns and 10,000 random integers exactly as toJson does', () => {
    for (const value of randomDoubles(100_000, 0x9e3779b9)) assert.equal(written(value), toJson(value), `for ${String(value)}`);
    for (const value of randomDoubles(10_000, 12345)) {
      const integer = Math.trunc((value % 1) * Number.MAX_SAFE_INTEGER) || 7;
      assert.equal(written(integer), toJson(integer), `for ${integer}`);
    }
  });

  test('writes integers of every length exactly as String() does: each side of every power of ten, near 2^53, 1M timestamps', () => {
    const integers: number[] = [];
    for (let digits = 0; digits <= 16; digits++) {
      const power = 10 ** digits;
      for (const near of [power - 2, power - 1, power, power + 1, power + 10, 2 * power - 1, 5 * power + 3]) {
        if (Number.isSafeInteger(near)) integers.push(near, -near);
      }
    }
    for (let i = 0; i < 1000; i++) integers.push(Number.MAX_SAFE_INTEGER - i, 2 ** 52 + i * 997, 99_999_999 * (i + 1), i);
    // Timestamps in ms as clients log them, a million of them, and steps far apart.
    for (let i = 0; i < 1_000_000; i++) integers.push(1_700_000_000_000 + i * 7919, i * 104_729);
    for (const value of integers) assert.equal(written(value), String(value), `for ${value}`);
  });

  test('writes fractions by hand exactly as String() does, for 1.2M values as metrics log them, falling back only near ties', () => {
    const random = randomDoubles(100_000, 0x2545f491).map((bits) => Math.abs(bits % 1) || 0.5);
    const values = random.flatMap((unit, i) => {
      const decade = 10 ** ((i % 24) - 8);
      return [
        Math.sin(i / 50) * 2, // a training curve
        Math.fround(unit * decade), // a float32 loss, as PyTorch's .item() hands it over
        Number((unit * decade).toPrecision(1 + (i % 17))), // decimals of every length, in every decade
        -unit * decade,
        (i + 0.5) / 1000,
        1 / (i + 3),
        2 ** ((i % 77) - 27) * (1 + (i % 4) / 4), // powers of two, where the interval is lopsided
        10 ** -(i % 9) * ((i % 997) + 0.25),
        1e15 - unit, // the top and bottom of the range
        1e-8 * (1 + unit),
        unit * 1e14,
        0.1 * (i % 100) + 0.2,
      ];
    });
    const into = Buffer.alloc(64);
    let byHand = 0;
    let inRange = 0;
    for (const value of values) {
      if (Number.isSafeInteger(value)) continue;
      if (Math.abs(value) >= 1e-8 && Math.abs(value) < 1e15) inRange++;
      const end = writeShortestFraction(into, 0, value);
      if (end < 0) continue;
      byHand++;
      assert.equal(into.toString('latin1', 0, end), String(value), `for ${String(value)}`);
    }
    assert.ok(byHand > 0.99 * inRange, `${byHand} of the ${inRange} fractions from 1e-8 to 1e15 written by hand`);
    for (const value of [1e-9, 1e15 + 0.5, 1.5e300, 5e-324]) assert.equal(writeShortestFraction(into, 0, value), -1, `${value} is left to String()`);
  });

  test('a long text comes out in several chunks that join to exactly what was written', () => {
    const fragment = Buffer.from('{"key":"é \\"q\\"","value":', 'utf8');
    const json = new JsonBytes();
    let expected = '';
    for (let i = 0; i < 50_000; i++) {
      json.bytes(fragment);
      json.number(i * 1.25);
      expected += `${fragment.toString('utf8')}${toJson(i * 1.25)}`;
    }
    const encoded = json.encoded();
    assert.ok(encoded.chunks.length > 1, 'more than one chunk');
    assert.equal(text(encoded), expected);
  });

  test('an empty writer encodes nothing', () => {
    assert.equal(text(new JsonBytes().encoded()), '');
  });
});
