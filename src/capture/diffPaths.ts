// Paths in `diff --git` headers, read and written the way git does: names with control characters,
// quotes or backslashes are C-quoted ("a/x\ty"); other names are written as they are.

const headerPrefix = 'diff --git ';

const escapes: Record<string, string> = {
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  '"': '"',
  '\\': '\\',
};
const escapeOf = new Map(Object.entries(escapes).map(([letter, char]) => [char, letter]));

export function needsQuoting(path: string): boolean {
  return /[\x00-\x1f\x7f"\\]/.test(path);
}

/** The name as git writes it in a header line: `a/x y` stays bare, `a/x"y` becomes `"a/x\"y"`. */
export function quotedName(name: string): string {
  if (!needsQuoting(name)) return name;
  let quoted = '"';
  for (const char of name) {
    const letter = escapeOf.get(char);
    if (letter !== undefined) quoted += `\\${letter}`;
    else if (/[\x00-\x1f\x7f]/.test(char)) quoted += `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`;
    else quoted += char;
  }
  return `${quoted}"`;
}

/** Reads a C-quoted string starting at `text[0] === '"'`; undefined when it is malformed. */
function unquote(text: string): { value: string; end: number } | undefined {
  const bytes: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (char === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = text[++i];
    if (next === undefined) return undefined;
    const octal = /^[0-7]{3}/.exec(text.slice(i, i + 3));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 2;
    } else if (next in escapes) {
      bytes.push(escapes[next].charCodeAt(0));
    } else {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The repository-relative path a `diff --git a/P b/P` header names. Diffs are taken without rename
 * detection, so both sides name the same path, which is what makes an unquoted name with spaces
 * unambiguous.
 */
export function pathOfDiffHeader(header: string): string | undefined {
  if (!header.startsWith(headerPrefix)) return undefined;
  const rest = header.slice(headerPrefix.length).replace(/\r$/, '');
  if (rest.startsWith('"')) {
    const first = unquote(rest);
    return first?.value.startsWith('a/') ? first.value.slice(2) : undefined;
  }
  const nameLength = (rest.length - ' b/'.length - 'a/'.length) / 2;
  if (!Number.isInteger(nameLength) || nameLength <= 0 || !rest.startsWith('a/')) return undefined;
  const name = rest.slice(2, 2 + nameLength);
  return rest.slice(2 + nameLength) === ` b/${name}` ? name : undefined;
}
