import { el } from './dom';

/** Rows drawn above and below the visible ones, in screenfuls: a quick scroll shows no blank rows. */
const screensAround = 1;
/** Rows drawn when the container has no height yet (not laid out): enough for any first screen. */
const rowsBeforeLayout = 60;

/**
 * A long list in a scroll container that draws only the rows in view and a screenful either side:
 * a 10,000-span trace's waterfall costs a few dozen rows of DOM, not 10,000 (DESIGN.md: a 10,000-span
 * trace opens in under a second). Every row has the same height, `rowHeight` px (the stylesheet's
 * `.windowed-rows > *`), so each one's place is known without drawing the others; a short list is
 * drawn whole.
 */
export class WindowedRows<T> {
  private readonly track = el('div', { className: 'windowed-rows' });
  private items: readonly T[] = [];
  private readonly drawn = new Map<number, HTMLElement>();
  /** The first row drawn: rows drawn next go before the kept ones when above it. */
  private first = 0;
  private redrawQueued = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly rowHeight: number,
    private readonly drawRow: (item: T, index: number) => HTMLElement,
  ) {
    container.addEventListener('scroll', () => this.queueRedraw(), { passive: true });
    window.addEventListener('resize', () => this.queueRedraw());
  }

  /** Replaces the list and draws the rows in view. */
  show(items: readonly T[]): void {
    this.items = items;
    this.drawn.clear();
    this.first = 0;
    this.track.replaceChildren();
    this.track.style.height = `${items.length * this.rowHeight}px`;
    this.container.replaceChildren(this.track);
    this.redraw();
  }

  /** The element of row `index` while it is drawn. */
  rowAt(index: number): HTMLElement | undefined {
    return this.drawn.get(index);
  }

  private queueRedraw(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    requestAnimationFrame(() => {
      this.redrawQueued = false;
      this.redraw();
    });
  }

  /** Draws the rows now in view and drops those far from it; rows still near stay as they are (focus, hover). */
  private redraw(): void {
    const height = this.container.clientHeight;
    const screen = height > 0 ? Math.ceil(height / this.rowHeight) : rowsBeforeLayout;
    const top = Math.floor(this.container.scrollTop / this.rowHeight);
    const first = Math.max(0, top - screen * screensAround);
    const last = Math.min(this.items.length - 1, top + screen * (1 + screensAround));
    for (const [index, row] of this.drawn) {
      if (index < first || index > last) {
        row.remove();
        this.drawn.delete(index);
      }
    }
    // New rows go before or after those kept, so the DOM order (tab order, screen readers) is the list's.
    const before: HTMLElement[] = [];
    const after: HTMLElement[] = [];
    for (let index = first; index <= last; index++) {
      if (this.drawn.has(index)) continue;
      const row = this.drawRow(this.items[index], index);
      row.style.top = `${index * this.rowHeight}px`;
      this.drawn.set(index, row);
      (index < this.first ? before : after).push(row);
    }
    this.track.prepend(...before);
    this.track.append(...after);
    this.first = first;
  }
}
