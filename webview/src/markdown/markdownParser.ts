/**
 * A small Markdown subset for run notes, parsed to plain data (no DOM, no HTML): paragraphs,
 * headings, lists, fenced code, emphasis, inline code and links. Raw HTML is not a thing here: `<b>`
 * is just text. Links keep only http(s) targets; anything else (`javascript:`, `data:`) stays text,
 * exactly as it was written.
 */

export type Inline =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'code'; readonly text: string }
  | { readonly type: 'strong'; readonly children: readonly Inline[] }
  | { readonly type: 'em'; readonly children: readonly Inline[] }
  | { readonly type: 'link'; readonly href: string; readonly children: readonly Inline[] };

export type Block =
  | { readonly type: 'paragraph'; readonly inlines: readonly Inline[] }
  | { readonly type: 'heading'; readonly level: number; readonly inlines: readonly Inline[] }
  | { readonly type: 'list'; readonly ordered: boolean; readonly items: readonly (readonly Inline[])[] }
  | { readonly type: 'code'; readonly text: string };

const fence = /^\s{0,3}(`{3,}|~{3,})/;
const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const bullet = /^\s{0,3}[-*+]\s+(.*)$/;
const ordinal = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', inlines: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = fence.exec(line);
    if (open) {
      endParagraph();
      const marker = open[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(marker)) body.push(lines[i++]);
      blocks.push({ type: 'code', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      endParagraph();
      continue;
    }
    const title = heading.exec(line);
    if (title) {
      endParagraph();
      blocks.push({ type: 'heading', level: title[1].length, inlines: parseInline(title[2]) });
      continue;
    }
    const listKind = bullet.test(line) ? bullet : ordinal.test(line) ? ordinal : undefined;
    if (listKind) {
      endParagraph();
      const items: Inline[][] = [];
      while (i < lines.length) {
        const item = listKind.exec(lines[i]);
        if (item) {
          items.push(parseInline(item[1]));
        } else if (lines[i].trim() !== '' && /^\s+/.test(lines[i]) && items.length > 0) {
          // An indented line continues the item above it.
          items[items.length - 1] = [...items[items.length - 1], { type: 'text', text: ' ' }, ...parseInline(lines[i].trim())];
        } else {
          break;
        }
        i++;
      }
      i--;
      blocks.push({ type: 'list', ordered: listKind === ordinal, items });
      continue;
    }
    paragraph.push(line.trim());
  }
  endParagraph();
  return blocks;
}

/** True for the only link targets notes may have: absolute http and https URLs. */
export function isSafeHref(href: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(href);
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') out.push({ type: 'text', text: plain });
    plain = '';
  };

  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!~]/.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close !== -1) {
        flush();
        out.push({ type: 'code', text: text.slice(i + run.length, close).trim() || text.slice(i + run.length, close) });
        i = close + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if ((ch === '*' || ch === '_') && text[i + 1] === ch) {
      const marker = ch + ch;
      const close = findClosing(text, marker, i + 2);
      if (close !== -1 && close > i + 2 && canOpen(text, i, marker)) {
        flush();
        out.push({ type: 'strong', children: parseInline(text.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    } else if (ch === '*' || ch === '_') {
      const close = findClosing(text, ch, i + 1);
      if (close !== -1 && close > i + 1 && canOpen(text, i, ch) && canClose(text, close, ch)) {
        flush();
        out.push({ type: 'em', children: parseInline(text.slice(i + 1, close)) });
        i = close + 1;
        continue;
      }
    }
    if (ch === '[') {
      const link = parseLink(text, i);
      if (link) {
        flush();
        if (isSafeHref(link.href)) {
          out.push({ type: 'link', href: link.href, children: parseInline(link.label) });
        } else {
          // Not a link we follow: the person sees exactly what they wrote.
          out.push({ type: 'text', text: text.slice(i, link.end) });
        }
        i = link.end;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  flush();
  return mergeText(out);
}

function findClosing(text: string, marker: string, from: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text[i] === '`') {
      const end = text.indexOf('`', i + 1);
      if (end !== -1) {
        i = end + 1;
        continue;
      }
    }
    if (text.startsWith(marker, i) && (marker.length === 2 || text[i + 1] !== marker)) return i;
    if (marker.length === 1 && text.startsWith(marker + marker, i)) {
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/** `_` inside words (snake_case names) is not emphasis; `*` may open anywhere before a non-space. */
function canOpen(text: string, at: number, marker: string): boolean {
  const next = text[at + marker.length];
  if (next === undefined || /\s/.test(next)) return false;
  return marker[0] !== '_' || at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]);
}

function canClose(text: string, at: number, marker: string): boolean {
  if (/\s/.test(text[at - 1] ?? ' ')) return false;
  const after = text[at + marker.length];
  return marker[0] !== '_' || after === undefined || !/[\p{L}\p{N}]/u.test(after);
}

function parseLink(text: string, at: number): { label: string; href: string; end: number } | undefined {
  let depth = 0;
  let i = at;
  for (; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === '[') depth++;
    else if (text[i] === ']' && --depth === 0) break;
  }
  if (i >= text.length || text[i + 1] !== '(') return undefined;
  const close = text.indexOf(')', i + 2);
  if (close === -1) return undefined;
  const target = text.slice(i + 2, close).trim();
  // `[x](url "title")`: the title is dropped.
  const href = /^(\S+)(\s+"[^"]*")?$/.exec(target)?.[1] ?? target;
  return { label: text.slice(at + 1, i), href: href.replace(/^<(.*)>$/, '$1'), end: close + 1 };
}

function mergeText(inlines: Inline[]): Inline[] {
  const merged: Inline[] = [];
  for (const inline of inlines) {
    const last = merged[merged.length - 1];
    if (inline.type === 'text' && last?.type === 'text') merged[merged.length - 1] = { type: 'text', text: last.text + inline.text };
    else merged.push(inline);
  }
  return merged;
}
