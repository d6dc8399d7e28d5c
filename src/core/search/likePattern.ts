/**
 * LIKE and ILIKE patterns: `%` matches any run of characters, `_` any one character, and a
 * backslash makes the next `%`, `_` or `\` literal (as PostgreSQL, MLflow's usual server
 * database; any other backslash is an ordinary character).
 *
 * MLflow's LIKE is case-sensitive and ILIKE is not. SQLite's LIKE ignores ASCII case and
 * `PRAGMA case_sensitive_like` would change it for every statement, so LIKE is compiled to GLOB
 * (always case-sensitive) and ILIKE to LIKE with an ESCAPE character; either way the pattern is a
 * bound parameter.
 */
export type PatternPart = { kind: 'literal'; char: string } | { kind: 'anyRun' } | { kind: 'anyChar' };

/** The pattern's parts, its escapes resolved. */
export function likePatternParts(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    const next = chars[i + 1];
    if (char === '\\' && (next === '%' || next === '_' || next === '\\')) {
      parts.push({ kind: 'literal', char: next });
      i++;
    } else if (char === '%') parts.push({ kind: 'anyRun' });
    else if (char === '_') parts.push({ kind: 'anyChar' });
    else parts.push({ kind: 'literal', char });
  }
  return parts;
}

/** The GLOB pattern that matches what `pattern` matches under LIKE, case-sensitively. */
export function likeToGlob(pattern: string): string {
  return likePatternParts(pattern)
    .map((part) => {
      if (part.kind === 'anyRun') return '*';
      if (part.kind === 'anyChar') return '?';
      // GLOB's own wildcards become one-character classes, which match themselves literally.
      return part.char === '*' || part.char === '?' || part.char === '[' ? `[${part.char}]` : part.char;
    })
    .join('');
}

/** The escape character of the patterns `likeWithEscape` returns; use it as `LIKE ? ESCAPE '\'`. */
export const likeEscapeCharacter = '\\';

/** The pattern for SQLite's `LIKE ? ESCAPE '\'`, which ignores ASCII case (ILIKE). */
export function likeWithEscape(pattern: string): string {
  return likePatternParts(pattern)
    .map((part) => {
      if (part.kind === 'anyRun') return '%';
      if (part.kind === 'anyChar') return '_';
      return part.char === '%' || part.char === '_' || part.char === '\\' ? `\\${part.char}` : part.char;
    })
    .join('');
}

/** The literal characters every value a LIKE or ILIKE `pattern` matches starts with ('' when it starts with a wildcard). */
export function likeLiteralPrefix(pattern: string): string {
  let prefix = '';
  for (const part of likePatternParts(pattern)) {
    if (part.kind !== 'literal') break;
    prefix += part.char;
  }
  return prefix;
}

/**
 * Text as SQLite's `lower()` folds it: ASCII letters only, as SQLite's LIKE ignores case (without
 * ICU, which sql.js lacks). An ILIKE filter compares values folded this way to its folded prefix.
 */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

const loneSurrogate = /\p{Cs}/u;

/**
 * The range `[lower, upper)` of strings starting with `prefix`, in SQLite's BINARY order (UTF-8
 * bytes, which is code point order): what an index seeks instead of reading every value. `upper`
 * is the prefix with its last code point raised by one; absent when no string is above the range.
 * Undefined for a prefix that is empty or not well-formed UTF-16 (a lone surrogate has no place in
 * that order), where the caller reads every value.
 */
export function prefixRange(prefix: string): { readonly lower: string; readonly upper?: string } | undefined {
  if (prefix === '' || loneSurrogate.test(prefix)) return undefined;
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // The surrogate block holds no code point of its own: after U+D7FF comes U+E000.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return { lower: prefix, upper: points.join('') + String.fromCodePoint(next) };
    }
  }
  return { lower: prefix };
}
