import { custom } from './dom';

export interface TextFieldOptions {
  readonly placeholder?: string;
  readonly value?: string;
  readonly ariaLabel: string;
  /** Called on Enter with the current text. */
  readonly onSubmit?: (value: string) => void;
  /** Called on every edit. */
  readonly onInput?: (value: string) => void;
  readonly name?: string;
}

export type TextFieldElement = HTMLElement & { value: string };

/** A toolkit text field. */
export function textField(options: TextFieldOptions): TextFieldElement {
  const field = custom('vscode-text-field') as TextFieldElement;
  field.setAttribute('aria-label', options.ariaLabel);
  if (options.placeholder) field.setAttribute('placeholder', options.placeholder);
  if (options.name) field.dataset.name = options.name;
  field.value = options.value ?? '';
  field.addEventListener('input', () => options.onInput?.(field.value));
  field.addEventListener('keydown', (event: KeyboardEvent) => {
    if (event.key === 'Enter') options.onSubmit?.(field.value);
  });
  return field;
}

/** A toolkit multi-line text area. */
export function textArea(options: { readonly value: string; readonly ariaLabel: string; readonly rows?: number; readonly name?: string }): TextFieldElement {
  const area = custom('vscode-text-area') as TextFieldElement;
  area.setAttribute('aria-label', options.ariaLabel);
  area.setAttribute('rows', String(options.rows ?? 8));
  area.setAttribute('resize', 'vertical');
  if (options.name) area.dataset.name = options.name;
  area.value = options.value;
  return area;
}

/** Marks a field as holding an error (the toolkit has no invalid state; our CSS draws it). */
export function setInvalid(field: HTMLElement, invalid: boolean): void {
  field.classList.toggle('invalid', invalid);
  field.setAttribute('aria-invalid', String(invalid));
}
