import type { SweepPoint } from './sweepSpec';

export type PointStatus = 'queued' | 'running' | 'finished' | 'failed' | 'stopped';

/** A point's place in the queue: its status, the run it made (once known), and how often it started. */
export interface PointState {
  readonly index: number;
  readonly point: SweepPoint;
  readonly status: PointStatus;
  readonly runId?: string;
  readonly attempts: number;
}

/** What starting a point gives back: how to stop it, and its end (true when the run finished well). */
export interface StartedPoint {
  stop(): void;
  readonly ended: Promise<{ readonly ok: boolean; readonly runId?: string }>;
}

export interface SweepProgress {
  readonly done: number;
  readonly running: number;
  readonly failed: number;
  readonly queued: number;
  readonly stopped: number;
  readonly total: number;
}

export interface SweepQueueOptions {
  readonly concurrency: number;
  /**
   * Starts one point (a normal launch, in the editor or the CLI). Undefined when nothing started
   * (the person declined); a throw counts as a failed point, with the reason kept.
   */
  start(state: PointState): Promise<StartedPoint | undefined>;
  /** After every change of a point: to persist the queue and show progress. */
  onChange?(state: PointState, progress: SweepProgress): void;
}

/**
 * Runs a sweep's points, at most `concurrency` at once, in order. Stop ends the running points
 * and leaves the queued ones stopped; Retry failed queues the failed (and stopped) points again.
 * The queue starts from given states, so that a sweep loaded from the store resumes where it was.
 */
export class SweepQueue {
  private readonly states: PointState[];
  private readonly running = new Map<number, StartedPoint>();
  private stopping = false;
  private idle: Promise<void> = Promise.resolve();
  private settle: (() => void) | undefined;
  /** Why points failed to start, by index (what a person needs to fix before retrying). */
  readonly problems = new Map<number, string>();

  constructor(
    states: readonly PointState[],
    private readonly options: SweepQueueOptions,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error('the concurrency of a sweep is a whole number from 1');
    this.states = [...states];
  }

  /** Fresh states for a sweep's points, all queued. */
  static queued(points: readonly SweepPoint[]): PointState[] {
    return points.map((point, index) => ({ index, point, status: 'queued', attempts: 0 }));
  }

  pointStates(): readonly PointState[] {
    return this.states;
  }

  progress(): SweepProgress {
    return progressOf(this.states);
  }

  /** Starts points until the limit; resolves when no point is running or queued (or the queue was stopped). */
  run(): Promise<void> {
    this.stopping = false;
    if (!this.settle) {
      this.idle = new Promise<void>((resolve) => (this.settle = resolve));
    }
    this.fill();
    return this.idle;
  }

  /** Stops the running points and leaves the queued ones stopped (Retry failed queues them again). */
  stop(): void {
    this.stopping = true;
    for (const state of this.states) if (state.status === 'queued') this.update({ ...state, status: 'stopped' });
    for (const started of this.running.values()) started.stop();
    this.checkIdle();
  }

  /** Queues the failed and stopped points again and runs them; resolves as run() does. */
  retryFailed(): Promise<void> {
    for (const state of this.states) {
      if (state.status === 'failed' || state.status === 'stopped') {
        this.problems.delete(state.index);
        this.update({ ...state, status: 'queued' });
      }
    }
    return this.run();
  }

  private fill(): void {
    while (!this.stopping && this.running.size < this.options.concurrency) {
      const next = this.states.find((state) => state.status === 'queued' && !this.running.has(state.index));
      if (!next) break;
      this.begin(next);
    }
    this.checkIdle();
  }

  private begin(state: PointState): void {
    const starting = { ...state, status: 'running' as const, attempts: state.attempts + 1 };
    this.update(starting);
    this.follow(state.index, this.options.start(starting));
  }

  /**
   * Takes in a point that was already running when the queue was made (a window reloaded while its
   * launch ran on): it counts against the limit, and its end is recorded as any other. Call before run().
   */
  adopt(index: number, started: StartedPoint): void {
    const state = this.states[index];
    if (state?.status !== 'running') throw new Error(`point ${index} is not running`);
    this.follow(index, Promise.resolve(started));
  }

  private follow(index: number, starting: Promise<StartedPoint | undefined>): void {
    // Held until the start resolves, so that the limit counts a point still being captured.
    const placeholder: StartedPoint = { stop: () => undefined, ended: new Promise(() => undefined) };
    this.running.set(index, placeholder);
    void starting
      .then(
        async (started) => {
          if (!started) return { ok: false, reason: 'nothing was launched' };
          this.running.set(index, started);
          if (this.stopping) started.stop();
          const ended = await started.ended;
          return { ...ended, reason: undefined };
        },
        (error: unknown) => ({ ok: false, runId: undefined, reason: error instanceof Error ? error.message : String(error) }),
      )
      .then((ended: { ok: boolean; runId?: string; reason?: string }) => {
        this.running.delete(index);
        if (ended.reason !== undefined) this.problems.set(index, ended.reason);
        const status: PointStatus = ended.ok ? 'finished' : this.stopping ? 'stopped' : 'failed';
        const runId = ended.runId ?? this.states[index].runId;
        this.update({ ...this.states[index], status, ...(runId ? { runId } : {}) });
        this.fill();
      });
  }

  /** Sets a point's run as soon as the launch knows it, before it ends. */
  setRunId(index: number, runId: string): void {
    const state = this.states[index];
    if (state && state.runId !== runId) this.update({ ...state, runId });
  }

  private update(state: PointState): void {
    this.states[state.index] = state;
    this.options.onChange?.(state, this.progress());
  }

  private checkIdle(): void {
    const busy = this.running.size > 0 || (!this.stopping && this.states.some((state) => state.status === 'queued'));
    if (busy || !this.settle) return;
    const settle = this.settle;
    this.settle = undefined;
    settle();
  }
}

export function progressOf(states: readonly PointState[]): SweepProgress {
  const count = (status: PointStatus) => states.filter((state) => state.status === status).length;
  return { done: count('finished'), running: count('running'), failed: count('failed'), queued: count('queued'), stopped: count('stopped'), total: states.length };
}

/** `4/6 done, 2 running, 0 failed, 0 queued`: the progress in words, for the Runs view and the CLI. */
export function describeProgress(progress: SweepProgress): string {
  const parts = [`${progress.done}/${progress.total} done`, `${progress.running} running`, `${progress.failed} failed`, `${progress.queued} queued`];
  if (progress.stopped > 0) parts.push(`${progress.stopped} stopped`);
  return parts.join(', ');
}
