/** How often a server process looks whether it still has work. */
const defaultCheckMs = 30_000;

export interface IdleLifetimeOptions {
  /** How long without work before the server process exits. */
  readonly idleMs: number;
  /** How many launched scripts still run under their supervisors (they log to this server). */
  readonly runningLaunches: () => number;
  /** Called once, when the idle time has passed with no request and no running launch. */
  readonly onIdle: () => void;
  readonly checkMs?: number;
  readonly now?: () => number;
}

/**
 * The lifetime of a RunLens server process started by a window: it keeps serving while it has work
 * (a launched script runs, a client made a request, a window is attached: windows send a request
 * every minute), and once it has had none for the idle time it ends (the caller checkpoints and exits).
 */
export class IdleLifetime {
  private lastWork: number;
  private ended = false;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: IdleLifetimeOptions) {
    this.now = options.now ?? Date.now;
    this.lastWork = this.now();
    this.timer = setInterval(() => this.check(), options.checkMs ?? Math.min(defaultCheckMs, Math.max(100, options.idleMs / 4)));
    this.timer.unref();
  }

  /** A request arrived. */
  touch(): void {
    this.lastWork = this.now();
  }

  check(): void {
    if (this.ended) return;
    if (this.options.runningLaunches() > 0) this.lastWork = this.now();
    if (this.now() - this.lastWork < this.options.idleMs) return;
    this.ended = true;
    this.dispose();
    this.options.onIdle();
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
