import { custom } from './dom';

export interface ButtonOptions {
  readonly appearance?: 'primary' | 'secondary' | 'icon';
  readonly title?: string;
  readonly disabled?: boolean;
  /** For tests and styling: a stable name for the button. */
  readonly name?: string;
}

/** A toolkit button with a text label. */
export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  const element = custom('vscode-button', { text: label, title: options.title });
  element.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.name) element.dataset.name = options.name;
  setDisabled(element, options.disabled ?? false);
  element.addEventListener('click', () => {
    if (!element.hasAttribute('disabled')) onClick();
  });
  return element;
}

export function setDisabled(element: HTMLElement, disabled: boolean): void {
  element.toggleAttribute('disabled', disabled);
}
