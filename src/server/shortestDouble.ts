/**
 * Writes a fraction exactly as JavaScript's String() does (ECMAScript Number::toString: the fewest
 * significant digits that read back as the same double, the closest of them to it), without the
 * heap string String() makes and caches for each number, which is most of the cost of writing a
 * metric history page (measured: about 60% of the server's CPU for get-history).
 *
 * How: v times 10^k (exact: 10^k <= 10^22 is a double and the product is split into two doubles,
 * Dekker's product) puts v's first 15 digits in the integer I and the rest in the fraction f. The
 * decimals that read back as v fill the interval v - lowHalfUlp .. v + halfUlp, scaled the same way
 * (exactly: a power of two times 10^k). That interval is narrower than 0.23 here, so at most one
 * integer (a 15-digit or shorter form) lies in it; else the closest tenth (16 digits) or hundredth
 * (17 digits) in it is String()'s choice. Each test has an error margin far above the rounding of
 * f (~1e-16): a value too near an end of the interval or a tie (String() then takes the even
 * digit), or outside 1e-8..1e15, returns -1 and the caller writes String(v). Tested against
 * String() on 1.2M doubles as metrics log them, and on random bit patterns (jsonBytes.test.ts).
 */

const zero = 0x30;
const margin = 1e-9;
/** Dekker's splitter, 2^27 + 1: splits a double into two halves whose products are exact. */
const splitter = 134217729;
/** 10^0 .. 10^22, each exact (built by exact multiplications, not by pow). */
const powersOfTen = (() => {
  const powers = new Float64Array(23);
  powers[0] = 1;
  for (let i = 1; i < powers.length; i++) powers[i] = powers[i - 1] * 10;
  return powers;
})();

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Which of `words` holds the sign, exponent and top of the mantissa. */
const high = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const low = 1 - high;

/** The digits of the number being written, most significant first. */
const digits = new Uint8Array(20);

/**
 * Writes `value` (finite, not a safe integer) into `into` at `at` as String(value) would, and
 * returns where it ended; returns -1, writing nothing, where it cannot be sure (then use String).
 */
export function writeShortestFraction(into: Uint8Array, at: number, value: number): number {
  const v = Math.abs(value);
  if (!(v >= 1e-8 && v < 1e15)) return -1;
  // v < 1e15, so k >= 0 (Math.log10 may round up to 15 just below 1e15).
  let k = Math.max(0, 14 - Math.floor(Math.log10(v)));
  let integer = 0;
  let fraction = 0;
  // Math.log10 can be one off near a power of ten: the scaled value then tells, and k moves once.
  for (let attempt = 0; ; attempt++) {
    if (k < 0 || k > 22 || attempt > 1) return -1;
    const power = powersOfTen[k];
    const product = v * power;
    const error = productError(v, power, product);
    integer = Math.floor(product);
    fraction = product - integer + error;
    if (fraction < 0) {
      integer -= 1;
      fraction += 1;
    } else if (fraction >= 1) {
      integer += 1;
      fraction -= 1;
    }
    if (integer < 1e14) k++;
    else if (integer >= 1e15) k--;
    else break;
  }

  // The interval of decimals that read back as v, scaled by 10^k (whether its ends do is left unsure).
  bits[0] = v;
  const exponent = (words[high] >>> 20) & 0x7ff;
  const mantissaIsZero = (words[high] & 0xfffff) === 0 && words[low] === 0;
  words[high] = (exponent - 53) << 20;
  words[low] = 0;
  const above = bits[0] * powersOfTen[k];
  // At a power of two the double below is half as far as the one above.
  const below = mantissaIsZero ? above / 2 : above;

  const lowerIn = inside(-fraction, below, above);
  const upperIn = inside(1 - fraction, below, above);
  if (lowerIn === unsure || upperIn === unsure) return -1;
  let count: number;
  let pointAt: number;
  if (lowerIn === yes || upperIn === yes) {
    // An integer: the only one in the interval, so it is the shortest form once its zeros are dropped.
    count = integerDigits(lowerIn === yes ? integer : integer + 1);
    pointAt = count - k;
  } else {
    count = integerDigits(integer);
    pointAt = count - k;
    const tenth = closestIn(fraction * 10, below * 10, above * 10);
    if (tenth === unsure || tenth === 0 || tenth === 10) return -1;
    if (tenth !== no) {
      digits[count++] = tenth;
    } else {
      const hundredth = closestIn(fraction * 100, below * 100, above * 100);
      if (hundredth === unsure || hundredth === no || hundredth % 10 === 0) return -1;
      digits[count++] = Math.floor(hundredth / 10);
      digits[count++] = hundredth % 10;
    }
  }
  while (digits[count - 1] === 0) count--;
  return writeDigits(into, at, value < 0, count, pointAt);
}

/** The rounding error of `product` = a * b (a, b and product doubles): a * b - product exactly. */
function productError(a: number, b: number, product: number): number {
  const aSplit = splitter * a;
  const aHigh = aSplit - (aSplit - a);
  const aLow = a - aHigh;
  const bSplit = splitter * b;
  const bHigh = bSplit - (bSplit - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

// Answers of `inside` and `closestIn` (which otherwise gives a candidate, 0 or more).
const no = -1;
const unsure = -2;
const yes = 1;

/**
 * Whether a candidate `offset` from v (scaled) reads back as v, given the interval's half-widths
 * below and above: yes, no, or unsure when too near an end to tell.
 */
function inside(offset: number, below: number, above: number): number {
  const bound = offset < 0 ? below : above;
  const distance = Math.abs(offset);
  if (Math.abs(distance - bound) < margin) return unsure;
  return distance < bound ? yes : no;
}

/**
 * With v's fraction scaled so that the candidates are integers: the candidate in the interval
 * closest to it, `no` if none is, `unsure` if too near an end or a tie to tell.
 */
function closestIn(scaled: number, below: number, above: number): number {
  const down = Math.floor(scaled);
  const downIn = inside(down - scaled, below, above);
  const upIn = inside(down + 1 - scaled, below, above);
  if (downIn === unsure || upIn === unsure) return unsure;
  if (downIn === yes && upIn === yes) {
    const tie = scaled - down - 0.5;
    if (Math.abs(tie) < margin) return unsure;
    return tie < 0 ? down : down + 1;
  }
  if (downIn === yes) return down;
  return upIn === yes ? down + 1 : no;
}

/** Writes the digits of `integer` (10^14 .. 10^15, inclusive) into `digits` from 0; returns how many. */
function integerDigits(integer: number): number {
  const count = integer >= 1e15 ? 16 : 15;
  // In two parts of at most 8 digits, each within 32-bit integer arithmetic.
  const top = Math.floor(integer / 1e8);
  let rest = integer - top * 1e8;
  for (let i = count - 1; i >= count - 8; i--) {
    const next = (rest / 10) | 0;
    digits[i] = rest - next * 10;
    rest = next;
  }
  rest = top;
  for (let i = count - 9; i >= 0; i--) {
    const next = (rest / 10) | 0;
    digits[i] = rest - next * 10;
    rest = next;
  }
  return count;
}

/** `0.<digits> x 10^pointAt` in Number::toString's layout: fixed from 1e-6 to 1e21, an exponent outside. */
function writeDigits(into: Uint8Array, start: number, negative: boolean, count: number, pointAt: number): number {
  let at = start;
  if (negative) into[at++] = 0x2d;
  if (pointAt > 0 && pointAt <= 21) {
    for (let i = 0; i < count; i++) {
      if (i === pointAt) into[at++] = 0x2e;
      into[at++] = zero + digits[i];
    }
    for (let i = count; i < pointAt; i++) into[at++] = zero;
  } else if (pointAt <= 0 && pointAt > -6) {
    into[at++] = zero;
    into[at++] = 0x2e;
    for (let i = pointAt; i < 0; i++) into[at++] = zero;
    for (let i = 0; i < count; i++) into[at++] = zero + digits[i];
  } else {
    into[at++] = zero + digits[0];
    if (count > 1) {
      into[at++] = 0x2e;
      for (let i = 1; i < count; i++) into[at++] = zero + digits[i];
    }
    into[at++] = 0x65;
    const exponent = pointAt - 1;
    into[at++] = exponent < 0 ? 0x2d : 0x2b;
    const magnitude = Math.abs(exponent);
    if (magnitude >= 10) into[at++] = zero + Math.floor(magnitude / 10);
    into[at++] = zero + (magnitude % 10);
  }
  return at;
}
