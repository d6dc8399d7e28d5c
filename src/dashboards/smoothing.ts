/**
 * Exponential moving average as TensorBoard's scalar dashboard draws it: debiased, so the first
 * points are not pulled towards zero (each value is divided by 1 − weight^n, n the finite points
 * seen so far). A value that is not finite (NaN, ±Infinity) is passed through as it is and does not
 * move the average; a constant series stays exactly constant (no rounding drift).
 *
 * @param weight in [0, 1): 0 returns the values unchanged; closer to 1 is smoother.
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`Smoothing weight must be in [0, 1), not ${weight}.`);
  const constant = values.every((value) => Object.is(value, values[0]));
  if (weight === 0 || constant) return [...values];
  const smoothed = new Array<number>(values.length);
  let average = 0;
  let seen = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (!Number.isFinite(value)) {
      smoothed[i] = value;
      continue;
    }
    average = average * weight + (1 - weight) * value;
    seen += 1;
    smoothed[i] = average / (1 - weight ** seen);
  }
  return smoothed;
}
