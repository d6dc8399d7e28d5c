/** Arguments typed as one line could not be split: an open quote, or a backslash with nothing after it. */
export class ArgumentSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentSyntaxError';
  }
}

/**
 * Splits a line of arguments the way a POSIX shell splits words, without expanding anything:
 * whitespace separates, '…' is literal, "…" honours \" \\ \$ and \`, a backslash outside quotes
 * escapes the next character. The script gets exactly these words (no shell ever runs), so
 * `$HOME`, globs and `;` reach it as typed.
 */
export function splitArguments(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const char = line[i];
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ArgumentSyntaxError(`The quote ' at position ${i + 1} is never closed.`);
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (char === '"') {
      const [text, end] = doubleQuoted(line, i);
      word += text;
      i = end + 1;
    } else if (char === '\\') {
      if (i + 1 >= line.length) throw new ArgumentSyntaxError('The line ends with a backslash that escapes nothing.');
      word += line[i + 1];
      i += 2;
    } else {
      word += char;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The text of the "…" starting at `start`, and the index of its closing quote. */
function doubleQuoted(line: string, start: number): [string, number] {
  let text = '';
  for (let i = start + 1; i < line.length; i++) {
    const char = line[i];
    if (char === '"') return [text, i];
    if (char === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
      text += line[i + 1];
      i++;
    } else {
      text += char;
    }
  }
  throw new ArgumentSyntaxError(`The quote " at position ${start + 1} is never closed.`);
}
