import { el } from '../components/dom';

/** Offers text as a file download (the browser mode; VS Code's host saves the file itself). */
export function downloadText(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const anchor = el('a', { attrs: { download: fileName } });
  anchor.href = url;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // The download has started from the click; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
