import { custom, el } from './dom';

export interface DropdownOption<T extends string> {
  readonly value: T;
  readonly label: string;
}

export interface DropdownOptions<T extends string> {
  /** Shown before the dropdown. */
  readonly label?: string;
  readonly options: readonly DropdownOption<T>[];
  readonly value: T;
  readonly onChange: (value: T) => void;
  readonly name?: string;
}

/** A labelled toolkit dropdown. Option labels may come from runs (metric keys): set as text. */
export function dropdown<T extends string>(options: DropdownOptions<T>): HTMLElement {
  const select = custom('vscode-dropdown');
  if (options.name) select.dataset.name = options.name;
  for (const option of options.options) {
    const item = custom('vscode-option', { text: option.label });
    (item as HTMLElement & { value: string }).value = option.value;
    if (option.value === options.value) item.setAttribute('selected', '');
    select.appendChild(item);
  }
  select.addEventListener('change', () => options.onChange((select as HTMLElement & { value: string }).value as T));
  if (options.label === undefined) return select;
  return el('label', { className: 'control' }, el('span', { className: 'control-label', text: options.label }), select);
}
