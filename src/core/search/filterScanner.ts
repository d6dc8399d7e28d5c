import type { FaultReporter } from './filterError';

const wordPattern = /[\p{L}\p{N}_]+/uy;
const numberPattern = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const operatorSymbolPattern = /[<>=!]+/y;
const wordCharacter = /[\p{L}\p{N}_]/u;
const tokenPattern = /[+\-\p{L}\p{N}_.]+/uy;

/**
 * Reads a filter or order_by clause character by character for the parser, which asks for what
 * it expects where it is (a field, an operator, a value): keys such as `metrics.1st.loss` and
 * numbers such as `1.5` cannot be told apart without knowing that.
 */
export class FilterScanner {
  position = 0;

  constructor(readonly faults: FaultReporter) {}

  get text(): string {
    return this.faults.text;
  }

  skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position])) this.position++;
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(ahead = 0): string {
    return this.text.charAt(this.position + ahead);
  }

  /** Letters, digits and underscores; undefined if none start here. */
  readWord(): string | undefined {
    return this.readPattern(wordPattern);
  }

  /** A word here, without consuming it. */
  peekWord(): string | undefined {
    const start = this.position;
    const word = this.readWord();
    this.position = start;
    return word;
  }

  /** Consumes `keyword` (any case) when it stands here as a whole word. */
  matchKeyword(keyword: string): boolean {
    const word = this.peekWord();
    if (word === undefined || word.toUpperCase() !== keyword) return false;
    this.position += word.length;
    return true;
  }

  readOperatorSymbol(): string | undefined {
    return this.readPattern(operatorSymbolPattern);
  }

  /** A decimal number (sign, fraction and exponent optional); undefined if none starts here. */
  readNumber(): { value: number; text: string } | undefined {
    const start = this.position;
    const text = this.readPattern(numberPattern);
    if (text === undefined) return undefined;
    if (wordCharacter.test(this.peek()) || this.peek() === '.') {
      tokenPattern.lastIndex = start;
      const token = tokenPattern.exec(this.text)?.[0] ?? text;
      this.faults.fail(`'${token}' is not a number; quote strings, e.g. '${token}'`, start);
    }
    return { value: Number(text), text };
  }

  /**
   * The content of a string or quoted key that starts here with `quote`. The quote character is
   * written doubled ('it''s') or, in single- and double-quoted strings, escaped ('it\'s');
   * `\\` is one backslash. Any other backslash is kept, so LIKE patterns can escape % and _.
   */
  readQuoted(quote: string): string {
    const start = this.position;
    const text = this.text;
    let value = '';
    let i = start + 1;
    for (;;) {
      if (i >= text.length) {
        const what = quote === '`' ? 'quoted name' : 'string';
        this.faults.fail(`unterminated ${what}: the ${quote} here has no closing ${quote}`, start);
      }
      const char = text[i];
      if (char === quote) {
        if (text[i + 1] === quote) {
          value += quote;
          i += 2;
          continue;
        }
        break;
      }
      if (char === '\\' && quote !== '`' && (text[i + 1] === quote || text[i + 1] === '\\')) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      value += char;
      i++;
    }
    this.position = i + 1;
    return value;
  }

  private readPattern(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.text);
    if (!match) return undefined;
    this.position += match[0].length;
    return match[0];
  }
}

export function isWordCharacter(char: string): boolean {
  return char !== '' && wordCharacter.test(char);
}
