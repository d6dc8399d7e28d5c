import { el } from './dom';

export interface SliderOptions {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly value: number;
  /** Called when the person lets go (not on every pixel: each change re-fetches charts). */
  readonly onChange: (value: number) => void;
  readonly format: (value: number) => string;
  readonly name?: string;
}

/** The toolkit has no slider: a native range input styled with the theme's colours. */
export function slider(options: SliderOptions): HTMLElement {
  const input = el('input', { className: 'slider', attrs: { type: 'range', 'aria-label': options.label } });
  input.min = String(options.min);
  input.max = String(options.max);
  input.step = String(options.step);
  input.value = String(options.value);
  if (options.name) input.dataset.name = options.name;
  const shown = el('span', { className: 'slider-value', text: options.format(options.value) });
  input.addEventListener('input', () => (shown.textContent = options.format(Number(input.value))));
  input.addEventListener('change', () => options.onChange(Number(input.value)));
  return el('label', { className: 'control' }, el('span', { className: 'control-label', text: options.label }), input, shown);
}
