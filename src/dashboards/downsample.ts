/**
 * Which points of a long series to draw: Largest-Triangle-Three-Buckets (Steinarsson, 2013), which
 * keeps a line's visual shape, plus the true minimum and maximum, which LTTB alone may drop (a
 * reader asks "what was the lowest loss?" of the chart). The first and last points always stay.
 *
 * Takes parallel arrays of x (ascending) and y (finite) and returns ascending indexes into them, at
 * most `maxPoints` of them (all of them when the series is not longer). O(n).
 */
export function downsampleIndexes(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number): number[] {
  const n = xs.length;
  if (ys.length !== n) throw new RangeError('x and y must be the same length.');
  if (!Number.isInteger(maxPoints) || maxPoints < 4) throw new RangeError(`maxPoints must be an integer of at least 4, not ${maxPoints}.`);
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);

  const { minIndex, maxIndex } = extremes(ys);
  // Two places are kept back for the extremes; when LTTB picked them anyway the result is shorter.
  const picked = lttb(xs, ys, maxPoints - 2);
  const extra = [minIndex, maxIndex].filter((index) => !picked.includes(index));
  if (extra.length === 0) return picked;
  return mergeSorted(picked, extra.sort((a, b) => a - b));
}

function lttb(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  const n = xs.length;
  const picked: number[] = [0];
  // The inner n − 2 points fall into threshold − 2 buckets; one point is picked from each.
  const bucketSize = (n - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket += 1) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.floor((bucket + 1) * bucketSize) + 1;
    // The third corner of the triangle: the mean of the next bucket (the last point for the last bucket).
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, n);
    let meanX = 0;
    let meanY = 0;
    for (let i = nextStart; i < nextEnd; i += 1) {
      meanX += xs[i];
      meanY += ys[i];
    }
    const count = nextEnd - nextStart;
    meanX /= count;
    meanY /= count;

    const ax = xs[previous];
    const ay = ys[previous];
    let bestArea = -1;
    let best = start;
    for (let i = start; i < end; i += 1) {
      // Twice the triangle's area; the factor does not change which point wins.
      const area = Math.abs((ax - meanX) * (ys[i] - ay) - (ax - xs[i]) * (meanY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    picked.push(best);
    previous = best;
  }
  picked.push(n - 1);
  return picked;
}

/** Indexes of the first minimum and first maximum. */
function extremes(ys: ArrayLike<number>): { minIndex: number; maxIndex: number } {
  let minIndex = 0;
  let maxIndex = 0;
  for (let i = 1; i < ys.length; i += 1) {
    if (ys[i] < ys[minIndex]) minIndex = i;
    if (ys[i] > ys[maxIndex]) maxIndex = i;
  }
  return { minIndex, maxIndex };
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) merged.push(a[i++]);
    else merged.push(b[j++]);
  }
  return merged;
}
