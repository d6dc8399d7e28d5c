import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emaSmooth } from '../../../src/dashboards/smoothing';

/**
 * The debiased EMA straight from its definition, not from the recursion: the weighted mean of the
 * finite values seen so far with weights (1 − w)·w^age, divided by the sum of those weights
 * (1 − w^n), which is what removes the bias towards 0 at the start.
 */
function referenceEma(values: readonly number[], w: number): number[] {
  return values.map((value, index) => {
    if (!Number.isFinite(value)) return value;
    const seen = values.slice(0, index + 1).filter(Number.isFinite);
    const n = seen.length;
    const weighted = seen.reduce((sum, v, i) => sum + (1 - w) * w ** (n - 1 - i) * v, 0);
    return weighted / (1 - w ** n);
  });
}

function assertClose(actual: readonly number[], expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => {
    if (Number.isNaN(expected[i]) || !Number.isFinite(expected[i])) assert.ok(Object.is(value, expected[i]), `index ${i}: ${value} vs ${expected[i]}`);
    else assert.ok(Math.abs(value - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])), `index ${i}: ${value} vs ${expected[i]}`);
  });
}

describe('EMA smoothing', () => {
  const noisy = Array.from({ length: 200 }, (_, i) => Math.exp(-i / 50) + 0.1 * Math.sin(i * 1.7));

  for (const weight of [0.3, 0.6, 0.9, 0.99]) {
    test(`matches the debiased EMA definition at weight ${weight}`, () => {
      assertClose(emaSmooth(noisy, weight), referenceEma(noisy, weight));
    });
  }

  test('the first smoothed value is the first value (debiasing), not (1 − w) times it', () => {
    assert.equal(emaSmooth([5, 7], 0.9)[0], 5);
  });

  test('NaN and infinities pass through and do not disturb the average of the other points', () => {
    const values = [1, NaN, 2, Infinity, 3, -Infinity, 4];
    const smoothed = emaSmooth(values, 0.6);
    assertClose(smoothed, referenceEma(values, 0.6));
    assert.ok(Number.isNaN(smoothed[1]));
    assert.equal(smoothed[3], Infinity);
    assert.equal(smoothed[5], -Infinity);
    // The finite points equal the smoothing of the finite values alone.
    const finiteOnly = emaSmooth([1, 2, 3, 4], 0.6);
    assertClose([smoothed[0], smoothed[2], smoothed[4], smoothed[6]], finiteOnly);
  });

  test('weight 0 and constant series come back unchanged', () => {
    assert.deepEqual(emaSmooth(noisy, 0), noisy);
    assert.deepEqual(emaSmooth([0.1, 0.1, 0.1, 0.1], 0.95), [0.1, 0.1, 0.1, 0.1]);
    assert.deepEqual(emaSmooth([], 0.5), []);
  });

  test('a weight outside [0, 1) is refused', () => {
    assert.throws(() => emaSmooth([1], 1), RangeError);
    assert.throws(() => emaSmooth([1], -0.1), RangeError);
    assert.throws(() => emaSmooth([1], NaN), RangeError);
  });
});
