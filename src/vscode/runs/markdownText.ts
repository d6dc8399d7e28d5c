/**
 * Run data (names, params, tags, notes) is untrusted text. Inside Markdown it is escaped so that it
 * can only ever show as the characters it is: CommonMark lets a backslash escape any ASCII
 * punctuation, so every one is escaped (links, emphasis, HTML, code spans, tables, entities).
 * Line breaks and other control characters become spaces: a value cannot start a block of its own.
 */
export function escapeMarkdown(text: string, maxLength = 200): string {
  return truncate(singleLine(text), maxLength).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** Control characters (line breaks included) as spaces, runs of spaces kept as they are. */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

/** At most `maxLength` characters, with an ellipsis when cut (never half a surrogate pair). */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - 1;
  if (/[\ud800-\udbff]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}…`;
}
