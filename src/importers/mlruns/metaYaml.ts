/**
 * A YAML value as MLflow's meta.yaml files hold them. Integers beyond 2^53 (old FileStore wrote
 * 18-digit experiment ids as numbers) come back as their digits, as a string, so nothing is rounded.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | YamlMapping;
export interface YamlMapping {
  [key: string]: YamlValue;
}

export class YamlError extends Error {
  constructor(
    message: string,
    /** 1-based. */
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'YamlError';
  }
}

/**
 * Reads the YAML that PyYAML's `safe_dump` writes for MLflow's meta.yaml files: a block mapping of
 * plain, single- and double-quoted scalars (folded over several lines when long), nested block
 * mappings, lists (indented or not), empty `[]` and `{}`, literal and folded block scalars, and
 * comments. Scalars resolve as PyYAML resolves them (YAML 1.1: `yes` is true, `1e5` is a string,
 * `None` is a string). Anything else (anchors, tags, nested flow collections) is a YamlError, so a
 * file RunLens cannot read is reported rather than misread. No dependency.
 */
export function parseYaml(text: string): YamlMapping {
  const parser = new Parser(text.replace(/^\ufeff/, '').split(/\r?\n/));
  try {
    return parser.document();
  } catch (error) {
    if (error instanceof YamlError) throw error;
    throw new YamlError((error as Error).message, parser.lineNumber);
  }
}

interface Line {
  readonly indent: number;
  /** The line without its indentation. */
  readonly text: string;
  readonly number: number;
}

class Parser {
  private index = 0;
  private readonly lines: readonly string[];

  /** The line being read, for errors found below the parser (bad escapes). */
  get lineNumber(): number {
    return this.index + 1;
  }

  constructor(lines: readonly string[]) {
    // A document start marker is allowed on the first line; the end marker ends the document.
    const end = lines.findIndex((line) => line === '...');
    this.lines = end === -1 ? lines : lines.slice(0, end);
    if (/^---\s*$/.test(this.lines[0] ?? '')) this.index = 1;
  }

  document(): YamlMapping {
    const first = this.peek();
    if (first === undefined) throw new YamlError('the file is empty', this.index + 1);
    if (first.indent !== 0) throw new YamlError('the document does not start at column 0', first.number);
    const mapping = this.mapping(0);
    const rest = this.peek();
    if (rest !== undefined) throw new YamlError(`unexpected content '${rest.text}'`, rest.number);
    return mapping;
  }

  /** The next line with content (not blank, not a comment), without consuming it. */
  private peek(): Line | undefined {
    for (let i = this.index; i < this.lines.length; i += 1) {
      const raw = this.lines[i];
      const text = raw.trimStart();
      if (text === '' || text.startsWith('#')) continue;
      this.index = i;
      if (raw.slice(0, raw.length - text.length).includes('\t')) throw new YamlError('tabs are not allowed for indentation', i + 1);
      return { indent: raw.length - text.length, text: text.trimEnd(), number: i + 1 };
    }
    this.index = this.lines.length;
    return undefined;
  }

  private mapping(indent: number, into: YamlMapping = {}): YamlMapping {
    for (let line = this.peek(); line !== undefined && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) throw new YamlError(`unexpected indentation before '${line.text}'`, line.number);
      if (isListItem(line.text)) break;
      const pair = splitKey(line);
      if (pair === undefined) throw new YamlError(`expected 'key: value', found '${line.text}'`, line.number);
      if (Object.prototype.hasOwnProperty.call(into, pair.key)) throw new YamlError(`duplicate key '${pair.key}'`, line.number);
      this.index += 1;
      into[pair.key] = this.value(pair.rest, indent, line.number);
    }
    return into;
  }

  private list(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent && isListItem(line.text); line = this.peek()) {
      this.index += 1;
      const item = line.text.slice(1);
      const itemText = item.trimStart();
      const itemIndent = indent + 1 + (item.length - itemText.length);
      const pair = itemText === '' || startsQuoted(itemText) ? undefined : splitKey({ ...line, indent: itemIndent, text: itemText });
      if (pair === undefined) {
        items.push(this.value(itemText, indent, line.number));
        continue;
      }
      // `- key: value` starts a mapping whose other keys line up under the first one.
      const mapping: YamlMapping = { [pair.key]: this.value(pair.rest, itemIndent, line.number) };
      items.push(this.mapping(itemIndent, mapping));
    }
    return items;
  }

  /** The value after `key:` (or `-`) of a line at `indent`; may consume the lines that continue it. */
  private value(rest: string, indent: number, lineNumber: number): YamlValue {
    const text = rest.trimStart();
    if (text === '' || text.startsWith('#')) return this.nested(indent);
    if (text.startsWith("'") || text.startsWith('"')) return this.quoted(text, lineNumber);
    if (/^[|>]/.test(text)) return this.block(text, indent, lineNumber);
    if (text.startsWith('[') || text.startsWith('{')) return flow(text, lineNumber);
    if (/^[&*!%@`]/.test(text)) throw new YamlError(`'${text[0]}' (anchors, aliases, tags) is not supported`, lineNumber);
    return resolvePlain(this.plain(stripComment(text), indent));
  }

  /** A key with nothing after it: a nested mapping, a list, or null. */
  private nested(indent: number): YamlValue {
    const next = this.peek();
    if (next === undefined) return null;
    if (isListItem(next.text) && next.indent >= indent) return this.list(next.indent);
    if (next.indent > indent) return this.mapping(next.indent);
    return null;
  }

  /** A plain scalar folded over the more-indented lines that follow it. */
  private plain(first: string, indent: number): string {
    let folded = first;
    let breaks = 0;
    for (let i = this.index; i < this.lines.length; i += 1) {
      const raw = this.lines[i];
      const text = raw.trim();
      if (text === '') {
        breaks += 1;
        continue;
      }
      if (raw.length - raw.trimStart().length <= indent || text.startsWith('#')) break;
      // A plain scalar never holds `key: value`: this is a mapping where none may start.
      if (/:(\s|$)/.test(text)) throw new YamlError(`unexpected 'key: value' inside a value: '${text}'`, i + 1);
      folded += breaks === 0 ? ` ${stripComment(text)}` : '\n'.repeat(breaks) + stripComment(text);
      breaks = 0;
      this.index = i + 1;
    }
    return folded;
  }

  /** A quoted scalar, possibly folded over several lines; what follows the closing quote must be nothing or a comment. */
  private quoted(first: string, lineNumber: number): string {
    let raw = first;
    for (;;) {
      const scanned = scanQuoted(raw);
      if (scanned !== undefined) {
        const after = raw.slice(scanned.end).trim();
        if (after !== '' && !after.startsWith('#')) throw new YamlError(`unexpected '${after}' after a quoted string`, lineNumber);
        return scanned.value;
      }
      if (this.index >= this.lines.length) throw new YamlError('a quoted string is not closed', lineNumber);
      raw += `\n${this.lines[this.index]}`;
      this.index += 1;
    }
  }

  /** `|` keeps line breaks, `>` folds them; `-` strips the final break, `+` keeps all of them. */
  private block(header: string, indent: number, lineNumber: number): string {
    const match = /^([|>])([+-]?)(\d?)\s*(#.*)?$/.exec(header);
    if (!match) throw new YamlError(`bad block scalar header '${header}'`, lineNumber);
    const [, style, chomping, explicitIndent] = match;
    const body: string[] = [];
    let contentIndent = explicitIndent ? indent + Number(explicitIndent) : undefined;
    for (; this.index < this.lines.length; this.index += 1) {
      const raw = this.lines[this.index];
      if (raw.trim() === '') {
        body.push('');
        continue;
      }
      const lineIndent = raw.length - raw.trimStart().length;
      contentIndent ??= lineIndent;
      if (lineIndent <= indent || lineIndent < contentIndent) break;
      body.push(raw.slice(contentIndent));
    }
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing += 1;
    }
    const content = style === '|' ? body.join('\n') : foldBlock(body);
    if (content === '' || chomping === '-') return content;
    return content + (chomping === '+' ? '\n'.repeat(trailing + 1) : '\n');
  }
}

function isListItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function startsQuoted(text: string): boolean {
  return text.startsWith("'") || text.startsWith('"');
}

/** `key: rest` or `key:` (plain or quoted key); undefined when the line is not a pair. */
function splitKey(line: Line): { key: string; rest: string } | undefined {
  const { text } = line;
  if (startsQuoted(text)) {
    const scanned = scanQuoted(text);
    if (scanned === undefined) return undefined;
    const after = text.slice(scanned.end);
    if (!/^\s*:(\s|$)/.test(after)) return undefined;
    return { key: scanned.value, rest: after.slice(after.indexOf(':') + 1) };
  }
  const match = /:(\s|$)/.exec(text);
  if (!match || match.index === 0) return undefined;
  const key = text.slice(0, match.index).trimEnd();
  if (key.includes(' #')) return undefined;
  return { key, rest: text.slice(match.index + 1) };
}

function stripComment(text: string): string {
  const at = text.search(/\s#/);
  return (at === -1 ? text : text.slice(0, at)).trimEnd();
}

/** Empty flow collections, and flow lists of plain scalars: what PyYAML writes inline. */
function flow(text: string, lineNumber: number): YamlValue {
  const body = stripComment(text);
  if (/^\[\s*\]$/.test(body)) return [];
  if (/^\{\s*\}$/.test(body)) return {};
  const list = /^\[([^[\]{}'"]*)\]$/.exec(body);
  if (list) return list[1].split(',').map((item) => resolvePlain(item.trim()));
  throw new YamlError(`flow collections are not supported: '${body}'`, lineNumber);
}

/**
 * Scans a quoted scalar at the start of `raw` (which may span lines joined by \n) and folds its
 * line breaks as YAML does: one break is a space, n breaks are n-1 newlines. Undefined when the
 * closing quote is not in `raw` yet.
 */
function scanQuoted(raw: string): { value: string; end: number } | undefined {
  const quote = raw[0];
  let value = '';
  let i = 1;
  while (i < raw.length) {
    const char = raw[i];
    if (quote === "'" && char === "'") {
      if (raw[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (quote === '"' && char === '"') return { value, end: i + 1 };
    if (quote === '"' && char === '\\') {
      if (raw[i + 1] === '\n') {
        // An escaped line break joins the lines without a space.
        i = skipSpaces(raw, i + 2);
        continue;
      }
      const escaped = unescape(raw, i);
      if (escaped === undefined) return undefined;
      value += escaped.text;
      i = escaped.next;
      continue;
    }
    if (char === '\n') {
      value = value.replace(/[ \t]+$/, '');
      let breaks = 0;
      while (raw[i] === '\n') {
        breaks += 1;
        i = skipSpaces(raw, i + 1);
      }
      value += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
      continue;
    }
    value += char;
    i += 1;
  }
  return undefined;
}

function skipSpaces(raw: string, from: number): number {
  let i = from;
  while (raw[i] === ' ' || raw[i] === '\t') i += 1;
  return i;
}

const simpleEscapes: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

function unescape(raw: string, at: number): { text: string; next: number } | undefined {
  const code = raw[at + 1];
  if (code === undefined) return undefined;
  if (code in simpleEscapes) return { text: simpleEscapes[code], next: at + 2 };
  const width = code === 'x' ? 2 : code === 'u' ? 4 : code === 'U' ? 8 : 0;
  const hex = raw.slice(at + 2, at + 2 + width);
  if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
    throw new Error(`bad escape '\\${code}' in a double-quoted string`);
  }
  return { text: String.fromCodePoint(parseInt(hex, 16)), next: at + 2 + width };
}

function foldBlock(lines: readonly string[]): string {
  let folded = '';
  lines.forEach((line, index) => {
    if (index === 0) folded = line;
    else if (line === '' || lines[index - 1] === '' || /^\s/.test(line)) folded += `\n${line}`;
    else folded += ` ${line}`;
  });
  return folded;
}

const nullPattern = /^(?:~|null|Null|NULL)?$/;
const truePattern = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const falsePattern = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const decimalPattern = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const floatPattern = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?)$/;

/** YAML 1.1 resolution of a plain scalar, as PyYAML's SafeLoader does it. */
function resolvePlain(text: string): YamlValue {
  if (nullPattern.test(text)) return null;
  if (truePattern.test(text)) return true;
  if (falsePattern.test(text)) return false;
  if (decimalPattern.test(text)) {
    const digits = text.replace(/_/g, '');
    const value = Number(digits);
    return Number.isSafeInteger(value) ? value : digits.replace(/^\+/, '');
  }
  if (/^[-+]?0x[0-9a-fA-F_]+$/.test(text)) return Number.parseInt(text.replace(/_/g, ''), 16);
  if (/^[-+]?0[0-7_]+$/.test(text)) return Number.parseInt(text.replace(/_/g, ''), 8);
  if (floatPattern.test(text)) return Number(text.replace(/_/g, ''));
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}
