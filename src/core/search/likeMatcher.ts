import { asciiLowerCase, likePatternParts, type PatternPart } from './likePattern';

/**
 * A LIKE or ILIKE pattern as a test of text in memory, for values the database never holds (span
 * payloads in their files). Same semantics as the SQL forms in likePattern.ts: `%` any run, `_` any
 * one character, backslash escapes; LIKE case-sensitive, ILIKE folding ASCII letters only (as
 * SQLite's LIKE). Linear in the text per literal run: no regular expression, so no pattern can
 * backtrack for long over a large span.
 */
export function likeMatcher(pattern: string, ignoreCase: boolean): (text: string) => boolean {
  const fold = ignoreCase ? asciiLowerCase : (text: string): string => text;
  const parts = likePatternParts(fold(pattern));
  // The pattern split at each `%`: segments of literals and `_`, each a run of code points.
  const segments: PatternPart[][] = [[]];
  for (const part of parts) {
    if (part.kind === 'anyRun') segments.push([]);
    else segments[segments.length - 1].push(part);
  }
  const anchoredStart = parts[0]?.kind !== 'anyRun';
  const anchoredEnd = parts[parts.length - 1]?.kind !== 'anyRun';
  if (!parts.some((part) => part.kind === 'anyChar')) return literalRunsMatcher(segments.map(literalText), anchoredStart, anchoredEnd, fold);
  return (value) => {
    const text = Array.from(fold(value));
    if (segments.length === 1) return text.length === segments[0].length && segmentAt(segments[0], text, 0);
    let position = 0;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (i === 0 && anchoredStart) {
        if (!segmentAt(segment, text, 0)) return false;
        position = segment.length;
      } else if (i === segments.length - 1 && anchoredEnd) {
        const start = text.length - segment.length;
        return start >= position && segmentAt(segment, text, start);
      } else {
        // Leftmost is right: any later match leaves the rest less room, never more.
        const found = findSegment(segment, text, position);
        if (found < 0) return false;
        position = found + segment.length;
      }
    }
    return true;
  };
}

function segmentAt(segment: readonly PatternPart[], text: readonly string[], start: number): boolean {
  if (start + segment.length > text.length) return false;
  for (let i = 0; i < segment.length; i++) {
    const part = segment[i];
    if (part.kind === 'literal' && part.char !== text[start + i]) return false;
  }
  return true;
}

function findSegment(segment: readonly PatternPart[], text: readonly string[], from: number): number {
  for (let start = from; start + segment.length <= text.length; start++) if (segmentAt(segment, text, start)) return start;
  return -1;
}

function literalText(segment: readonly PatternPart[]): string {
  return segment.map((part) => (part.kind === 'literal' ? part.char : '')).join('');
}

/** Without `_`, code units suffice: indexOf over the string itself, the usual `%word%` costing one search. */
function literalRunsMatcher(runs: readonly string[], anchoredStart: boolean, anchoredEnd: boolean, fold: (text: string) => string): (text: string) => boolean {
  return (value) => {
    const text = fold(value);
    if (runs.length === 1) return text === runs[0];
    let position = 0;
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i];
      if (i === 0 && anchoredStart) {
        if (!text.startsWith(run)) return false;
        position = run.length;
      } else if (i === runs.length - 1 && anchoredEnd) {
        return text.length - run.length >= position && text.endsWith(run);
      } else {
        const found = text.indexOf(run, position);
        if (found < 0) return false;
        position = found + run.length;
      }
    }
    return true;
  };
}
