import { el } from './dom';

/**
 * A small uppercase label (status, "changed", "best"). Drawn with our own CSS, not the toolkit's
 * vscode-tag: its template carries a style attribute binding, which the strict CSP reports.
 */
export function tag(text: string, className?: string): HTMLElement {
  return el('span', { className: className ? `tag ${className}` : 'tag', text });
}
