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
type PatternPart = { kind: 'literal'; char: string } | { kind: 'anyRun' } | { kind: 'anyChar' };

function partsOf(pattern: string): PatternPart[] {
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
  return partsOf(pattern)
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
  return partsOf(pattern)
    .map((part) => {
      if (part.kind === 'anyRun') return '%';
      if (part.kind === 'anyChar') return '_';
      return part.char === '%' || part.char === '_' || part.char === '\\' ? `\\${part.char}` : part.char;
    })
    .join('');
}
