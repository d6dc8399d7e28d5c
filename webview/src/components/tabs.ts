import { custom } from './dom';

export interface Tab {
  readonly id: string;
  readonly label: string;
  readonly content: Node;
}

/** Toolkit panels: a row of tabs and one view each. `onChange` gets the active tab's id. */
export function tabs(items: readonly Tab[], options: { readonly active?: string; readonly onChange?: (id: string) => void } = {}): HTMLElement {
  const panels = custom('vscode-panels', { className: 'tabs' });
  for (const item of items) {
    const tab = custom('vscode-panel-tab', { text: item.label, attrs: { id: `tab-${item.id}` } });
    panels.appendChild(tab);
  }
  for (const item of items) {
    const view = custom('vscode-panel-view', { attrs: { id: `view-${item.id}` } });
    view.appendChild(item.content);
    panels.appendChild(view);
  }
  if (options.active) panels.setAttribute('activeid', `tab-${options.active}`);
  panels.addEventListener('change', (event) => {
    // Controls inside the views (dropdowns, checkboxes) fire `change` too; only the panels' own counts.
    if (event.target !== panels) return;
    // The property, not the attribute: the toolkit reflects it to the attribute a frame later.
    const active = (panels as HTMLElement & { activeid?: string }).activeid;
    if (active?.startsWith('tab-')) options.onChange?.(active.slice('tab-'.length));
  });
  return panels;
}
