/** A key a script logs, where its string literal is in the source. */
export interface LoggedKey {
  readonly key: string;
  /**
   * `param` and `metric` for the logging calls; `argument` for an argparse option, whose dest is a
   * param when the script logs its arguments (the runs tell: the caller checks their params).
   */
  readonly kind: 'param' | 'metric' | 'argument';
  /** Zero-based line, and the columns of the string literal, quotes included. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

// `log_param("lr", …)`, `mlflow.log_metric('loss', …)`, and MlflowClient's `client.log_param(run_id, "lr", …)`.
const singleCall = /\blog_(param|metric)\s*\(\s*(?:[A-Za-z_][\w.]*\s*,\s*)?(["'])((?:\\.|(?!\2)[^\\\n])*)\2/g;
// `log_params({` and `log_metrics({`, the dictionary literal's keys are read from the brace on.
const dictCall = /\blog_(params|metrics)\s*\(\s*(?:[A-Za-z_][\w.]*\s*,\s*)?\{/g;
const addArgument = /\badd_argument\s*\(/g;
const stringLiteral = /(["'])((?:\\.|(?!\1)[^\\\n])*)\1/y;

/**
 * The keys a Python file logs, found by regular expressions over its text with comments and
 * triple-quoted strings blanked out (a docstring's example is not a call). No parsing and no
 * process: it runs when a hover is asked for, over the whole file, in well under a millisecond
 * for a usual script. Keys built at run time (f-strings, variables) are not known here.
 */
export function findLoggedKeys(text: string): LoggedKey[] {
  const code = blankCommentsAndDocstrings(text);
  const at = lineIndex(text);
  const keys: LoggedKey[] = [];
  const push = (key: string, kind: LoggedKey['kind'], start: number, end: number) => {
    const { line, character } = at(start);
    keys.push({ key, kind, line, start: character, end: character + (end - start) });
  };
  for (const match of code.matchAll(singleCall)) {
    const literal = match[0].length - (match[3].length + 2);
    const start = match.index + literal;
    push(unescape(match[3]), match[1] === 'param' ? 'param' : 'metric', start, start + match[3].length + 2);
  }
  for (const match of code.matchAll(dictCall)) {
    const kind = match[1] === 'params' ? 'param' : 'metric';
    for (const entry of dictionaryKeys(code, match.index + match[0].length)) push(entry.key, kind, entry.start, entry.end);
  }
  for (const match of code.matchAll(addArgument)) {
    const option = argumentOption(code, match.index + match[0].length);
    if (option) push(option.key, 'argument', option.start, option.end);
  }
  return keys.sort((a, b) => a.line - b.line || a.start - b.start);
}

/** The key whose string literal covers the position, if any. */
export function loggedKeyAt(keys: readonly LoggedKey[], line: number, character: number): LoggedKey | undefined {
  return keys.find((k) => k.line === line && character >= k.start && character <= k.end);
}

/** The string keys at the top level of a dictionary literal that starts just after `{` at `from`. */
function dictionaryKeys(code: string, from: number): { key: string; start: number; end: number }[] {
  const keys: { key: string; start: number; end: number }[] = [];
  forEachTopLevelString(code, from, (body, start, end) => {
    if (/^\s*:/.test(code.slice(end, end + 40))) keys.push({ key: unescape(body), start, end });
  });
  return keys;
}

/**
 * The dest of an `add_argument(` call whose arguments start at `from`: its first long option
 * (`--learning-rate` is `learning_rate`, as argparse makes it) or its `dest=`; the literal shown
 * is the option's.
 */
function argumentOption(code: string, from: number): { key: string; start: number; end: number } | undefined {
  let option: { key: string; start: number; end: number } | undefined;
  let dest: string | undefined;
  forEachTopLevelString(code, from, (body, start, end) => {
    if (/\bdest\s*=\s*$/.test(code.slice(Math.max(from, start - 20), start))) dest = unescape(body);
    else if (!option && /^--[A-Za-z_][\w-]*$/.test(body)) option = { key: body.slice(2).replace(/-/g, '_'), start, end };
  });
  return option && { ...option, key: dest ?? option.key };
}

/**
 * Calls `visit` with each string literal directly inside the bracket opened just before `from`
 * (not inside brackets nested in it), up to the bracket that closes it.
 */
function forEachTopLevelString(code: string, from: number, visit: (body: string, start: number, end: number) => void): void {
  let depth = 1;
  for (let i = from; i < code.length && depth > 0; i++) {
    const char = code[i];
    if (char === '"' || char === "'") {
      stringLiteral.lastIndex = i;
      const literal = stringLiteral.exec(code);
      if (!literal) continue;
      if (depth === 1) visit(literal[2], i, i + literal[0].length);
      i += literal[0].length - 1;
    } else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
  }
}

/** The text with comments and triple-quoted strings replaced by spaces, line breaks and offsets kept. */
function blankCommentsAndDocstrings(text: string): string {
  const out = text.split('');
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    const triple = text.startsWith('"""', i) ? '"""' : text.startsWith("'''", i) ? "'''" : undefined;
    if (triple) {
      const close = text.indexOf(triple, i + 3);
      const end = close < 0 ? text.length : close + 3;
      for (let j = i; j < end; j++) if (out[j] !== '\n') out[j] = ' ';
      i = end;
    } else if (char === '"' || char === "'") {
      stringLiteral.lastIndex = i;
      const literal = stringLiteral.exec(text);
      i += literal ? literal[0].length : 1;
    } else if (char === '#') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
    } else {
      i++;
    }
  }
  return out.join('');
}

/** Offset to line and character. */
function lineIndex(text: string): (offset: number) => { line: number; character: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - starts[low] };
  };
}

/** A Python string literal's simple escapes (quotes and backslashes): enough for a key. */
function unescape(body: string): string {
  return body.replace(/\\(.)/g, '$1');
}
