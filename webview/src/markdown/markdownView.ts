import { el } from '../components/dom';
import { parseMarkdown, type Block, type Inline } from './markdownParser';

/** Renders a note's Markdown as DOM nodes built one by one: no HTML is ever parsed. */
export function markdownView(source: string): HTMLElement {
  const root = el('div', { className: 'markdown' });
  for (const block of parseMarkdown(source)) root.appendChild(blockNode(block));
  return root;
}

function blockNode(block: Block): HTMLElement {
  switch (block.type) {
    case 'paragraph':
      return withInlines(el('p'), block.inlines);
    case 'heading':
      // Notes sit under the dashboard's own headings: their levels start lower.
      return withInlines(document.createElement(`h${Math.min(6, block.level + 2)}`), block.inlines);
    case 'list': {
      const list = el(block.ordered ? 'ol' : 'ul');
      for (const item of block.items) list.appendChild(withInlines(el('li'), item));
      return list;
    }
    case 'code':
      return el('pre', {}, el('code', { text: block.text }));
  }
}

function withInlines<T extends HTMLElement>(parent: T, inlines: readonly Inline[]): T {
  for (const inline of inlines) parent.appendChild(inlineNode(inline));
  return parent;
}

function inlineNode(inline: Inline): Node {
  switch (inline.type) {
    case 'text':
      return document.createTextNode(inline.text);
    case 'code':
      return el('code', { text: inline.text });
    case 'strong':
      return withInlines(el('strong'), inline.children);
    case 'em':
      return withInlines(el('em'), inline.children);
    case 'link': {
      // The parser let through only http(s) targets; they open outside (VS Code's webview opens them
      // in the system browser; the browser mode in a new tab).
      const anchor = withInlines(el('a'), inline.children);
      anchor.href = inline.href;
      anchor.target = '_blank';
      anchor.rel = 'noopener noreferrer';
      return anchor;
    }
  }
}
