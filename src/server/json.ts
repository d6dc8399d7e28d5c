import { invalidParameter } from '../core/errors';

/**
 * JSON as the MLflow wire carries it.
 *
 * Requests: Python's `json.dumps` writes the bare literals `NaN`, `Infinity` and `-Infinity` for
 * non-finite floats, which `JSON.parse` rejects. Scripts that post raw dicts (urllib, the runlens
 * helper) send them, so bodies are parsed with `JSON.parse` first (fast, and what almost every body
 * is) and, only when that fails, by the small parser below that also takes those three literals.
 * (The MLflow client itself sends proto3 JSON, where they are the strings "NaN", "Infinity".)
 *
 * Replies: MLflow's server writes protobuf's JSON mapping, where a non-finite double is the string
 * "NaN", "Infinity" or "-Infinity"; the client's ParseDict reads those. `JSON.stringify` would turn
 * them into `null`, so `toJson` writes them as MLflow does.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new LenientJsonParser(text).parseDocument();
  }
}

export function toJson(value: unknown): string {
  return hasNonFinite(value, 0) ? JSON.stringify(value, nonFiniteAsString) : JSON.stringify(value);
}

function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? nonFiniteName(value) : value;
}

/** How protobuf's JSON spells a non-finite double (as a string). */
export function nonFiniteName(value: number): 'NaN' | 'Infinity' | '-Infinity' {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

// A plain walk is several times faster than a replacer, so the replacer runs only when needed.
function hasNonFinite(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object' || depth > maxDepth) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasNonFinite(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (hasNonFinite((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/** Deeper nesting than any MLflow message has; beyond it a body is refused rather than overflowing the stack. */
const maxDepth = 256;

const literals: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Strict JSON (RFC 8259) plus the three non-finite literals; errors name the offset where parsing broke. */
class LenientJsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private parseValue(depth: number): unknown {
    if (depth > maxDepth) this.fail(`nesting deeper than ${maxDepth} levels`);
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '{') return this.parseObject(depth);
    if (c === '[') return this.parseArray(depth);
    if (c === '"') return this.parseString();
    for (const [word, value] of literals) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    numberPattern.lastIndex = this.pos;
    const match = numberPattern.exec(this.text);
    if (match === null) this.fail(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private parseObject(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
      const key = this.parseString();
      this.skipWhitespace();
      this.expect(':');
      // defineProperty keeps a key named "__proto__" an own data property, as JSON.parse does.
      Object.defineProperty(result, key, {
        value: this.parseValue(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private parseArray(depth: number): unknown[] {
    const result: unknown[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private parseString(): string {
    const start = this.pos;
    let end = start + 1;
    // Find the closing quote (skipping escapes) and let JSON.parse decode the literal exactly.
    for (;;) {
      const c = this.text.charCodeAt(end);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x22) break;
      if (c === 0x5c) end++;
      else if (c < 0x20) {
        this.pos = end;
        this.fail('control character in string');
      }
      end++;
    }
    this.pos = end + 1;
    try {
      return JSON.parse(this.text.slice(start, end + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid escape in string');
    }
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail(`expected '${char}'`);
    this.pos++;
  }

  private fail(reason: string): never {
    throw invalidParameter(`Malformed JSON request body at offset ${this.pos}: ${reason}.`);
  }
}
