import { nonFiniteName } from './json';
import { writeShortestFraction } from './shortestDouble';

/** JSON text already encoded as UTF-8, in one or more chunks: `sendJson` sends it as it is. */
export class EncodedJson {
  readonly byteLength: number;

  constructor(readonly chunks: readonly Buffer[]) {
    this.byteLength = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }
}

// Chunks start small (most replies are) and double up to a cap: a long reply is a few chunks
// written to the socket as they are, never copied into one buffer.
const firstChunkBytes = 16 * 1024;
const maxChunkBytes = 1024 * 1024;
/** The longest text of one number: a sign, 17 significant digits, a point and an exponent, or `"-Infinity"`. */
const maxNumberLength = 32;
const zero = 0x30;

/**
 * Writes a JSON reply straight into bytes, for replies too long to build as objects and then
 * stringify (a metric history: DESIGN.md's 25,000 points). The caller writes the structure as
 * pre-encoded fragments (`JSON.stringify` once per request for anything that needs escaping) and
 * the numbers with `number`, which writes each exactly as `toJson` does.
 */
export class JsonBytes {
  private readonly done: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(firstChunkBytes);
  private length = 0;

  /** Appends pre-encoded UTF-8 bytes. */
  bytes(fragment: Uint8Array): void {
    this.reserve(fragment.length);
    this.buffer.set(fragment, this.length);
    this.length += fragment.length;
  }

  /**
   * A number as `JSON.stringify` writes it, except non-finite ones, which become the strings
   * protobuf's JSON uses (`"NaN"`, `"Infinity"`, `"-Infinity"`), as `toJson` writes them.
   */
  number(value: number): void {
    this.reserve(maxNumberLength);
    if (Number.isSafeInteger(value)) this.integer(value);
    else if (Number.isFinite(value)) this.fraction(value);
    else this.ascii(`"${nonFiniteName(value)}"`);
  }

  /** Everything written; write nothing more once it is taken. */
  encoded(): EncodedJson {
    return new EncodedJson([...this.done, this.buffer.subarray(0, this.length)]);
  }

  // Timestamps are beyond 2^31, where String() of a number is as slow as for a fraction: digits by
  // hand, in two parts that each fit in 32-bit integer arithmetic. -0 is written "0", as JSON.stringify does.
  private integer(value: number): void {
    let magnitude = value;
    if (magnitude < 0) {
      this.buffer[this.length++] = 0x2d;
      magnitude = -magnitude;
    }
    if (magnitude < 1e8) {
      this.smallInteger(magnitude);
      return;
    }
    const high = Math.floor(magnitude / 1e8);
    this.smallInteger(high);
    this.eightDigits(magnitude - high * 1e8);
  }

  /** A finite number that is not a safe integer: by hand where that is sure to match String(), else String(). */
  private fraction(value: number): void {
    const end = writeShortestFraction(this.buffer, this.length, value);
    if (end >= 0) this.length = end;
    else this.ascii(String(value));
  }

  /** 0 <= value < 1e8, without leading zeros. */
  private smallInteger(value: number): void {
    let rest = value | 0;
    let digits = 1;
    for (let bound = 10; rest >= bound; bound *= 10) digits++;
    const buffer = this.buffer;
    const start = this.length;
    for (let at = start + digits - 1; at >= start; at--) {
      buffer[at] = zero + (rest % 10);
      rest = (rest / 10) | 0;
    }
    this.length = start + digits;
  }

  /** 0 <= value < 1e8, padded with zeros to eight digits. */
  private eightDigits(value: number): void {
    let rest = value | 0;
    const buffer = this.buffer;
    const start = this.length;
    for (let at = start + 7; at >= start; at--) {
      buffer[at] = zero + (rest % 10);
      rest = (rest / 10) | 0;
    }
    this.length = start + 8;
  }

  /** Text known to be ASCII (a number's digits). */
  private ascii(text: string): void {
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Makes room for `size` more bytes in the current chunk (a fragment or a number never spans two). */
  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    this.done.push(this.buffer.subarray(0, this.length));
    this.buffer = Buffer.allocUnsafe(Math.max(size, Math.min(this.buffer.length * 2, maxChunkBytes)));
    this.length = 0;
  }
}
