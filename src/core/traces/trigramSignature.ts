import { likePatternParts } from '../search/likePattern';

/**
 * A trace's content signature: a Bloom filter of the trigrams (three UTF-16 code units, ASCII
 * letters lower-cased) of every span line in its span file. A LIKE or ILIKE pattern's literal runs
 * of three or more characters appear, as they are, in any line the pattern matches, so their
 * trigrams are in the signature of any trace that matches: a signature missing one of them proves
 * the trace cannot match, without reading its file. Folding ASCII letters serves LIKE (which
 * matches the exact case, so also the folded case) and ILIKE (which folds ASCII, as SQLite) alike.
 */

/** Bits of a signature: 240 bytes, so that a record with its two id hashes is 256 (contentSignatures.ts). */
export const signatureBytes = 240;
const signatureBits = signatureBytes * 8;

/**
 * A line longer than this marks every bit rather than hashing each trigram: its trigrams (some
 * thousands distinct) would set nearly every bit anyway, and hashing a multi-megabyte output
 * would hold the event loop.
 */
export const longestHashedLine = 32 * 1024;

/** The two bit positions (Bloom filter k = 2: the fewest false positives once a large trace fills half its bits) of the trigram a b c. */
function trigramBits(a: number, b: number, c: number): [number, number] {
  let x = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35);
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  const second = Math.imul(x, 0x27d4eb2f) ^ (x >>> 13);
  return [(x >>> 0) % signatureBits, (second >>> 0) % signatureBits];
}

function folded(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** Sets the bits of every trigram of `line` in `signature`. */
export function addLine(signature: Uint8Array, line: string): void {
  if (line.length > longestHashedLine) {
    signature.fill(0xff);
    return;
  }
  for (let i = 0; i + 2 < line.length; i++) {
    const [first, second] = trigramBits(folded(line.charCodeAt(i)), folded(line.charCodeAt(i + 1)), folded(line.charCodeAt(i + 2)));
    signature[first >>> 3] |= 1 << (first & 7);
    signature[second >>> 3] |= 1 << (second & 7);
  }
}

/** A signature of the lines. */
export function signatureOf(lines: readonly string[]): Uint8Array {
  const signature = new Uint8Array(signatureBytes);
  for (const line of lines) addLine(signature, line);
  return signature;
}

/**
 * The bit positions a signature must have for text that a LIKE/ILIKE `pattern` matches: those of
 * the trigrams of its literal runs (between `%` and `_`). Undefined when it has no run of three
 * characters: then no signature can rule a trace out, and every candidate's file is read.
 */
export function patternBits(pattern: string): number[] | undefined {
  const runs: string[] = [''];
  for (const part of likePatternParts(pattern)) {
    if (part.kind === 'literal') runs[runs.length - 1] += part.char;
    else runs.push('');
  }
  const bits = new Set<number>();
  for (const run of runs) {
    for (let i = 0; i + 2 < run.length; i++) {
      for (const bit of trigramBits(folded(run.charCodeAt(i)), folded(run.charCodeAt(i + 1)), folded(run.charCodeAt(i + 2)))) bits.add(bit);
    }
  }
  return bits.size === 0 ? undefined : [...bits];
}
