import { el } from '../components/dom';

/** One line at the top of a dashboard for what just happened or went wrong. */
export class StatusLine {
  readonly element = el('div', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
  /** What the error on show failed to do, when `guard` put it there. */
  private failed: string | undefined;

  info(text: string): void {
    this.show(text, 'info');
  }

  error(text: string): void {
    this.show(text, 'error');
  }

  clear(): void {
    this.failed = undefined;
    this.element.textContent = '';
    this.element.className = 'status-line';
  }

  /**
   * Shows a request's failure, or runs `action`; when it succeeds, the error its previous attempt
   * left is cleared (a dashboard that could not load during a server outage loads when it is back).
   */
  async guard(what: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      if (this.failed === what) this.clear();
    } catch (error) {
      this.error(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
      this.failed = what;
    }
  }

  private show(text: string, kind: 'info' | 'error'): void {
    this.failed = undefined;
    this.element.textContent = text;
    this.element.className = `status-line ${kind}`;
  }
}
