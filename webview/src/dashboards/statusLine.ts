import { el } from '../components/dom';

/** One line at the top of a dashboard for what just happened or went wrong. */
export class StatusLine {
  readonly element = el('div', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });

  info(text: string): void {
    this.show(text, 'info');
  }

  error(text: string): void {
    this.show(text, 'error');
  }

  clear(): void {
    this.element.textContent = '';
    this.element.className = 'status-line';
  }

  /** Shows a request's failure, or runs `action` and shows nothing. */
  async guard(what: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.error(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private show(text: string, kind: 'info' | 'error'): void {
    this.element.textContent = text;
    this.element.className = `status-line ${kind}`;
  }
}
