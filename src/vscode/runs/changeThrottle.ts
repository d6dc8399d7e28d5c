import type * as vscode from 'vscode';
import { logError } from '../runLensLog';

export interface ThrottleTiming {
  /** How long the first call of a burst waits, so that the rest of the burst joins it. */
  readonly delayMs: number;
  /** The least time between two runs of the action, however long a burst lasts. */
  readonly minIntervalMs: number;
}

/**
 * Coalesces bursts of change notifications into a few runs of `action`: a loop logging a thousand
 * metrics a second makes it run at most once per `minIntervalMs`, and a single change is acted on
 * `delayMs` after it. Calls while the action runs schedule one more run after it.
 */
export class ChangeThrottle implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private lastRun = -Infinity;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly action: () => Promise<void> | void,
    private readonly timing: ThrottleTiming,
  ) {}

  schedule(): void {
    if (this.disposed || this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = Math.max(this.timing.delayMs, this.lastRun + this.timing.minIntervalMs - performance.now());
    this.timer = setTimeout(() => void this.run(), wait);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    this.lastRun = performance.now();
    try {
      await this.action();
    } catch (error) {
      logError('Refreshing after a change failed', error);
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
