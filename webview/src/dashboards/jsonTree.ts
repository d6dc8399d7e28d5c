import { el } from '../components/dom';

/** Children a collapsed level lists at most before "… n more": a huge list must not stall the page. */
const maxChildren = 500;

/**
 * A JSON value as a collapsible tree (`<details>` per object and list), built level by level as
 * the person opens it. Every key and value is text, never markup.
 */
export function jsonTree(value: unknown, label?: string, open = true): HTMLElement {
  if (value === null || typeof value !== 'object') {
    return el('div', { className: 'json-leaf' }, label !== undefined ? el('span', { className: 'json-key', text: `${label}: ` }) : null, scalar(value));
  }
  const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value as Record<string, unknown>);
  const summary = el('summary', {}, label !== undefined ? el('span', { className: 'json-key', text: `${label}: ` }) : null, el('span', { className: 'json-shape', text: Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}` }));
  const details = el('details', { className: 'json-node' }, summary);
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    for (const [key, item] of entries.slice(0, maxChildren)) details.append(jsonTree(item, key, false));
    if (entries.length > maxChildren) details.append(el('div', { className: 'json-more', text: `… ${entries.length - maxChildren} more` }));
  };
  details.addEventListener('toggle', build);
  if (open) {
    details.open = true;
    build();
  }
  return details;
}

function scalar(value: unknown): HTMLElement {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return el('span', { className: `json-value json-${value === null ? 'null' : typeof value}`, text });
}
