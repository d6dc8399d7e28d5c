/** Children of `el`: strings become text nodes, never markup. */
export type Child = Node | string | null | undefined | false;

export interface ElementProps {
  readonly className?: string;
  /** Set as textContent: the only way run data reaches the page. */
  readonly text?: string;
  readonly title?: string;
  /** Attributes that never come from run data unchecked (ids, roles, aria-*, data-*). */
  readonly attrs?: Readonly<Record<string, string>>;
}

/** Creates an element. Every string given here ends up as text, so run data cannot become markup. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  applyProps(element, props);
  append(element, ...children);
  return element;
}

/** The same for custom elements (the toolkit's), which have no entry in HTMLElementTagNameMap. */
export function custom(tag: string, props: ElementProps = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  applyProps(element, props);
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

function applyProps(element: HTMLElement, props: ElementProps): void {
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.title !== undefined) element.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
}
