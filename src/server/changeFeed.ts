import { randomBytes } from 'node:crypto';
import type { WriteSource } from './dashboards/dashboardEvents';

/** How long a `changes` request waits for a write before it answers "nothing yet" (clients ask again). */
export const changeWaitMs = 25_000;

/**
 * "The store was written": what a guest window's views need to hear to refresh, as a cursor a long
 * poll waits on. The cursor names this server instance and counts its writes, so a client that saw
 * another instance (the owner restarted) is answered at once.
 */
export class ChangeFeed {
  private readonly instance = randomBytes(6).toString('hex');
  private writes = 0;
  private readonly waiters = new Set<() => void>();
  private readonly subscription: { dispose(): void };

  constructor(source: WriteSource) {
    this.subscription = source.onDidWrite(() => {
      this.writes++;
      this.wake();
    });
  }

  get cursor(): string {
    return `${this.instance}.${this.writes}`;
  }

  /** The cursor, as soon as it differs from `since`, or after `waitMs` (or on close) unchanged. */
  next(since: string, waitMs = changeWaitMs): Promise<string> {
    if (since !== this.cursor) return Promise.resolve(this.cursor);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(this.cursor);
      };
      const timer = setTimeout(done, waitMs);
      this.waiters.add(done);
    });
  }

  /** Answers every waiting request, so the server can close without waiting for them. */
  close(): void {
    this.subscription.dispose();
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
