import { custom } from './dom';

/** A toolkit checkbox with its label; `onChange` gets the new value. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, name?: string): HTMLElement {
  const element = custom('vscode-checkbox', { text: label });
  if (name) element.dataset.name = name;
  (element as HTMLElement & { checked: boolean }).checked = checked;
  element.addEventListener('change', () => onChange((element as HTMLElement & { checked: boolean }).checked));
  return element;
}

export function isChecked(element: HTMLElement): boolean {
  return (element as HTMLElement & { checked: boolean }).checked;
}
