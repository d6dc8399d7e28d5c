import { custom, el } from './dom';

/** A spinner with a label, for a section that is loading. */
export function loading(label: string): HTMLElement {
  return el('div', { className: 'loading', attrs: { role: 'status' } }, custom('vscode-progress-ring'), el('span', { text: label }));
}
