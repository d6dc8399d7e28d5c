import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { downsampleIndexes } from '../../../src/dashboards/downsample';

/** A deterministic pseudo-random series (so a failure reproduces), with spikes placed mid-bucket. */
function series(length: number, seed: number): { xs: number[]; ys: number[] } {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const xs = Array.from({ length }, (_, i) => i);
  const ys = xs.map((i) => Math.sin(i / 300) + 0.2 * random());
  return { xs, ys };
}

describe('downsampling', () => {
  test('keeps the first, last, minimum and maximum points, ascending, within the bound', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { xs, ys } = series(25_000, seed);
      // Single-point spikes that a bucket average would hide.
      ys[12_345] = 40;
      ys[777] = -40;
      const kept = downsampleIndexes(xs, ys, 2000);
      assert.ok(kept.length <= 2000, `kept ${kept.length}`);
      assert.ok(kept.length >= 1990, `kept ${kept.length}`);
      assert.equal(kept[0], 0);
      assert.equal(kept[kept.length - 1], xs.length - 1);
      assert.ok(kept.includes(12_345) && kept.includes(777));
      const keptYs = kept.map((i) => ys[i]);
      assert.equal(Math.max(...keptYs), Math.max(...ys));
      assert.equal(Math.min(...keptYs), Math.min(...ys));
      assert.ok(kept.every((index, i) => i === 0 || index > kept[i - 1]), 'indexes ascend without repeats');
    }
  });

  test('the extremes survive even where LTTB would not pick them', () => {
    // A ramp: every triangle favours the bucket ends, and the true minimum sits at index 1.
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map((i) => i);
    ys[1] = -1;
    ys[5001] = 20_000;
    const kept = downsampleIndexes(xs, ys, 100);
    assert.ok(kept.length <= 100);
    assert.ok(kept.includes(1) && kept.includes(5001));
  });

  test('a series at or under the bound comes back whole', () => {
    const { xs, ys } = series(2000, 9);
    assert.deepEqual(downsampleIndexes(xs, ys, 2000), xs);
    assert.deepEqual(downsampleIndexes([], [], 2000), []);
  });

  test('refuses mismatched arrays and tiny bounds', () => {
    assert.throws(() => downsampleIndexes([1, 2], [1], 10), RangeError);
    assert.throws(() => downsampleIndexes([1, 2], [1, 2], 3), RangeError);
  });

  // Its speed is part of `npm run bench`'s compare first paint (bench/dashboards.bench.ts); here it is only printed.
  test('100 series of 10,000 points each come down to the bound', () => {
    const all = Array.from({ length: 100 }, (_, seed) => series(10_000, seed + 1));
    const started = performance.now();
    let kept = 0;
    for (const { xs, ys } of all) kept += downsampleIndexes(xs, ys, 2000).length;
    const elapsed = performance.now() - started;
    console.log(`downsample 100 x 10,000 points to <= 2,000 each: ${elapsed.toFixed(1)} ms (${kept} points kept)`);
    assert.ok(kept <= 100 * 2000);
  });
});
