import { RE2JS } from 're2js';

/**
 * RLIKE patterns (MLflow 3.6's trace filter: `tags.env RLIKE '^prod'`): a regular expression that
 * some part of the value matches, case-sensitively, as MLflow's SQLite store runs Python's
 * `re.search` and PostgreSQL's `~` does.
 *
 * Filters are run data from anyone who can reach the server, and JavaScript's RegExp backtracks
 * with no timeout: `(a+)+$` against 30 characters would hold the event loop for minutes. So the
 * patterns run on RE2 (re2js, a pure JavaScript port), whose matching is linear in the pattern's
 * program and the value's length, never exponential. The price is RE2's syntax: no lookaround and
 * no backreferences (the features that need backtracking); a pattern using them is refused with
 * the reason. Both sides are bounded too, so that one row costs at most their product.
 */

/** Longer patterns are refused: nobody types one, and its program is what each value is run through. */
export const maxRegexPatternChars = 1000;
/** RE2 instructions a compiled pattern may hold (`a{1000}` alone is 1,000). */
export const maxRegexProgramSize = 5000;
/**
 * A value is matched on its first this many characters: MLflow's longest trace tag value (8,000)
 * and more. Longer text would only come from a stored payload, which no RLIKE field reads.
 */
export const maxRegexSubjectChars = 8000;

/** A pattern that cannot be used, with the reason in words. */
export class RegexPatternError extends Error {}

/** Compiles `pattern` for RLIKE, or throws RegexPatternError saying why it cannot be used. */
export function compileRegexPattern(pattern: string): RE2JS {
  if (pattern.length > maxRegexPatternChars) {
    throw new RegexPatternError(`the RLIKE pattern is ${pattern.length} characters long; at most ${maxRegexPatternChars} are allowed`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RegexPatternError(`the RLIKE pattern is not a regular expression RunLens can run (RE2 syntax: no lookaround, no backreferences): ${reason}`);
  }
  if (compiled.programSize() > maxRegexProgramSize) {
    throw new RegexPatternError(`the RLIKE pattern is too large to run (${compiled.programSize()} RE2 instructions; at most ${maxRegexProgramSize}): use fewer or smaller repetitions`);
  }
  return compiled;
}

/** Compiled patterns by text: a search calls `regexp()` once per row with the same pattern. */
const compiledPatterns = new Map<string, RE2JS>();
const keptPatterns = 32;

/**
 * SQLite's `regexp(pattern, value)`, which `value REGEXP pattern` calls: 1 when some part of the
 * value matches. The statement's filter was checked when it was compiled, so a pattern that still
 * fails here (a statement built elsewhere) matches nothing rather than throwing inside SQLite.
 */
export function sqlRegexp(pattern: unknown, value: unknown): number {
  if (typeof pattern !== 'string' || value === null || value === undefined) return 0;
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = compileRegexPattern(pattern);
    } catch {
      return 0;
    }
    if (compiledPatterns.size >= keptPatterns) compiledPatterns.delete(compiledPatterns.keys().next().value as string);
    compiledPatterns.set(pattern, compiled);
  }
  const text = String(value);
  return compiled.test(text.length > maxRegexSubjectChars ? text.slice(0, maxRegexSubjectChars) : text) ? 1 : 0;
}

/** Characters with a meaning in RE2's syntax; any other stands for itself. */
const regexSyntax = new Set(['\\', '.', '[', ']', '(', ')', '{', '}', '*', '+', '?', '|', '^', '$']);

/**
 * The literal text every value an RLIKE `pattern` matches starts with: what follows a leading `^`
 * up to the first character with a meaning (less a character a quantifier makes optional). ''
 * when the pattern is not anchored, or holds a `|` anywhere (an alternative might not be anchored).
 * A search seeks the values from it in the index instead of running RE2 on every value.
 */
export function regexLiteralPrefix(pattern: string): string {
  if (!pattern.startsWith('^') || pattern.includes('|')) return '';
  const chars = Array.from(pattern.slice(1));
  let end = 0;
  while (end < chars.length && !regexSyntax.has(chars[end])) end++;
  const quantified = chars[end] === '?' || chars[end] === '*' || chars[end] === '{';
  return chars.slice(0, quantified ? Math.max(0, end - 1) : end).join('');
}

/**
 * A piece of literal text every value an RLIKE `pattern` matches contains (the longest found), or
 * '' when none is sure: a search tests it with SQLite's `instr` first, which costs a fraction of
 * running RE2, and runs RE2 only on the values that hold it (an unanchored pattern otherwise runs
 * RE2 on every value of the key: 1.4 s over 100,000 traces). Conservative: any `|`, any `(?`
 * (flags such as `(?i)` change what matches), a quantified group or an escape naming a class of
 * characters ends the search or the piece; a character a quantifier makes optional is dropped.
 */
export function regexRequiredLiteral(pattern: string): string {
  if (pattern.includes('|') || pattern.includes('(?') || /\\[QEpPx]/.test(pattern)) return '';
  const chars = Array.from(pattern);
  const pieces: string[] = [];
  let piece: string[] = [];
  const endPiece = (): void => {
    if (piece.length > 0) pieces.push(piece.join(''));
    piece = [];
  };
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === '\\') {
      const escaped = chars[++i];
      if (escaped === undefined || /[0-9A-Za-z]/.test(escaped)) endPiece();
      else piece.push(escaped);
    } else if (char === '[') {
      endPiece();
      i = classEnd(chars, i);
    } else if (char === ')') {
      // A group the quantifier makes optional or repeatable: its text is not sure to appear as it is.
      if (chars[i + 1] === '?' || chars[i + 1] === '*' || chars[i + 1] === '{') return '';
      endPiece();
    } else if (char === '?' || char === '*') {
      piece.pop();
      endPiece();
    } else if (char === '{') {
      const close = chars.indexOf('}', i);
      if (!/^\{[1-9]/.test(chars.slice(i, close + 1).join(''))) piece.pop();
      endPiece();
      if (close > i) i = close;
    } else if (char === '+') {
      endPiece();
    } else if (regexSyntax.has(char)) {
      endPiece();
    } else {
      piece.push(char);
    }
  }
  endPiece();
  return pieces.reduce((longest, candidate) => (Array.from(candidate).length > Array.from(longest).length ? candidate : longest), '');
}

/** The index of the `]` closing the class that opens at `open` (a `]` first in the class is a member). */
function classEnd(chars: readonly string[], open: number): number {
  let i = open + 1;
  if (chars[i] === '^') i++;
  if (chars[i] === ']') i++;
  for (; i < chars.length; i++) {
    if (chars[i] === '\\') i++;
    else if (chars[i] === ']') return i;
  }
  return chars.length;
}
