import { custom } from './dom';

/**
 * A toolkit link. `href` is for the browser mode (a real address: middle-click and copy work); the
 * click handler runs instead of navigating when given. Callers pass only addresses they built.
 */
export function link(text: string, options: { readonly href?: string; readonly onClick?: () => void; readonly title?: string }): HTMLElement {
  const anchor = custom('vscode-link', { text, title: options.title });
  anchor.setAttribute('href', options.href ?? '#');
  if (options.onClick) {
    const onClick = options.onClick;
    anchor.addEventListener('click', (event) => {
      event.preventDefault();
      onClick();
    });
  }
  return anchor;
}
