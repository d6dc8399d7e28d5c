/**
 * How a body was written: the client sends `json.dumps(body)`; MLflow's server replies
 * `json.dumps(reply, indent=2)`. The recorded size is of those bytes.
 */
export type PythonJsonStyle = 'compact' | 'indent2';

/**
 * Rebuilds a JSON body that the capture cut at 3,000 characters: `{"a": "x", "list": [{...}, {...}, ...`
 * where the list's items follow a pattern (the timing phase logged 1,000 points with value = step/2).
 * Every numeric field of the complete items must move by a constant step and every other field stay
 * the same; the list is then extended until the body, written as Python wrote it, has exactly the
 * recorded size. Anything else fails loudly rather than guessing.
 */
export function rebuildTruncatedJson(prefix: string, size: number, style: PythonJsonStyle): Record<string, unknown> {
  const open = prefix.indexOf('[');
  if (open === -1) throw new Error('truncated JSON without a list');
  const head = prefix.slice(0, open + 1);
  const items = completeItems(prefix.slice(open + 1));
  if (items.length < 3) throw new Error('too few complete items to see a pattern');
  const parsed = items.map((text) => JSON.parse(text) as Record<string, unknown>);
  const keys = Object.keys(parsed[0]);
  // Python writes a float that happens to be whole as `2.0`: keep that for the size.
  const floatKeys = new Set(keys.filter((k) => new RegExp(`"${k}": -?\\d+[.eE]`).test(items[0])));
  const steps = new Map(keys.map((k) => [k, typeof parsed[0][k] === 'number' ? (parsed[1][k] as number) - (parsed[0][k] as number) : 0]));
  const itemAt = (i: number) =>
    Object.fromEntries(keys.map((k) => [k, typeof parsed[0][k] === 'number' ? (parsed[0][k] as number) + steps.get(k)! * i : parsed[0][k]]));
  parsed.forEach((item, i) => {
    for (const key of keys) if (item[key] !== itemAt(i)[key]) throw new Error(`item ${i} breaks the pattern at '${key}'`);
  });

  const whole = JSON.parse(`${head}${closingOf(head)}`) as Record<string, unknown>;
  const listKey = Object.keys(whole).find((k) => Array.isArray(whole[k]))!;
  const list: Record<string, unknown>[] = [itemAt(0)];
  whole[listKey] = list;
  // The list's items sit two levels deep ({ "list": [ item ] }); each further item adds itself and a separator.
  const separator = style === 'compact' ? 2 : 2 + 2 * 2;
  let length = pythonJson(whole, style, floatKeys).length;
  while (length < size) {
    const item = itemAt(list.length);
    list.push(item);
    length += separator + pythonJson(item, style, floatKeys, 2).length;
  }
  if (length !== size || pythonJson(whole, style, floatKeys).length !== size) {
    throw new Error(`no item count gives the recorded size ${size} (got ${length})`);
  }
  return whole;
}

/** The complete `{...}` items at the start of `text` (a list's body), string-aware. */
function completeItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) items.push(text.slice(start, i + 1));
    }
  }
  return items;
}

/** What closes `head` (`{"a": 1, "list": [` → `]}`), assuming the list is the last field. */
function closingOf(head: string): string {
  let closing = '';
  let inString = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') closing = '}' + closing;
    else if (c === '[') closing = ']' + closing;
    else if (c === '}' || c === ']') closing = closing.slice(1);
  }
  return closing;
}

/** Python's json.dumps, default separators, with `indent=2` for the server style (ASCII data only). */
function pythonJson(value: unknown, style: PythonJsonStyle, floatKeys: ReadonlySet<string>, level = 0, key = ''): string {
  const newline = (depth: number) => (style === 'compact' ? '' : `\n${'  '.repeat(depth)}`);
  const join = (parts: string[], open: string, close: string) =>
    parts.length === 0
      ? `${open}${close}`
      : `${open}${newline(level + 1)}${parts.join(`,${style === 'compact' ? ' ' : newline(level + 1)}`)}${newline(level)}${close}`;
  if (Array.isArray(value)) return join(value.map((v) => pythonJson(v, style, floatKeys, level + 1, key)), '[', ']');
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v, style, floatKeys, level + 1, k)}`);
    return join(fields, '{', '}');
  }
  if (typeof value === 'number' && floatKeys.has(key) && Number.isInteger(value)) return `${value}.0`;
  return JSON.stringify(value);
}
