import { nextTurn } from '../nextTurn';
import type { SlicedWriteOptions, WriteTransaction } from './databaseApi';

/** Short enough that the host feels responsive, long enough that yielding costs little. */
const defaultSliceMs = 25;
/**
 * A script logging all the time would otherwise restart a long write forever; after this many
 * start-overs it blocks once, as a plain write does.
 */
const defaultMaxRestarts = 3;

interface SlicedWrite {
  /** Set when a write from elsewhere rolled it back. */
  interrupted: boolean;
}

/**
 * What a long write borrows from its Database: the one transaction it shares with plain writes.
 * The Database keeps that state (the `writing` flag, begin, commit, rollback) so that a plain
 * write and a long write can never both think the transaction is theirs.
 */
export interface SlicedWriteHost {
  readonly tx: WriteTransaction;
  assertOpen(): void;
  begin(): void;
  rollback(): void;
  /** Runs `fn` as the write in progress: the transaction's statements are allowed, nested writes refused. */
  asWriting<T>(fn: () => T): T;
  /** Journals and commits the open transaction, as `write` does; called inside `asWriting`. */
  commit<R>(result: R): R;
}

/**
 * The long writes of a Database (`Database.writeInSlices`): at most one transaction open across
 * turns of the event loop, those waiting for it to settle, and its rollback when a plain write or
 * the closing of the database comes between its slices.
 */
export class SlicedWrites {
  /** The long write whose transaction is open, between or during its slices. */
  private open: SlicedWrite | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly host: SlicedWriteHost) {}

  /** Whether a long write has its transaction open (checkpoints and other writes must not run in it). */
  get isOpen(): boolean {
    return this.open !== undefined;
  }

  /**
   * A write too long for one turn of the event loop (an import of many runs), as one transaction
   * run in slices: `steps` does its work between `yield`s, and after each `sliceMs` of it the event
   * loop runs before the next slice. When the generator returns, everything is committed and
   * journaled as by `Database.write`; if it throws, the signal aborts or the database closes, none
   * of it is.
   *
   * Between slices the transaction stays open, and reads see its rows so far. A `write` from
   * elsewhere then is never mixed into it: the long write is rolled back first, the other write
   * runs as usual, and the long write starts over with a fresh generator (`onRestart` is told);
   * after `maxRestarts` it runs to the end in one go, as `write` would. Callers that can wait
   * (the tracking server's requests) wait for `settled()` (`Database.longWriteSettled`) instead.
   */
  async run<R>(steps: (tx: WriteTransaction) => Generator<unknown, R, void>, options: SlicedWriteOptions): Promise<R> {
    const host = this.host;
    const sliceMs = options.sliceMs ?? defaultSliceMs;
    for (let attempt = 0; ; attempt += 1) {
      // Two long writes never share a transaction: a second one waits for the first, then lets a
      // turn pass so that those who waited for the first (readers) read before it opens its own.
      while (this.open) {
        await this.settled();
        await nextTurn();
      }
      host.assertOpen();
      options.signal?.throwIfAborted();
      const inOneGo = attempt >= (options.maxRestarts ?? defaultMaxRestarts);
      const state: SlicedWrite = { interrupted: false };
      host.begin();
      this.open = state;
      try {
        const generator = steps(host.tx);
        for (;;) {
          const step = this.runSlice(generator, inOneGo ? Infinity : sliceMs, options.signal);
          if (step.done && !options.signal?.aborted) {
            return host.asWriting(() => {
              this.open = undefined;
              return host.commit(step.value);
            });
          }
          options.signal?.throwIfAborted();
          await nextTurn();
          if (state.interrupted) break;
          host.assertOpen();
          options.signal?.throwIfAborted();
        }
      } catch (error) {
        if (this.open === state) {
          this.open = undefined;
          host.rollback();
        }
        throw error;
      } finally {
        if (this.open === undefined) this.releaseWaiters();
      }
      options.onRestart?.();
    }
  }

  /** Resolves once no long write has its transaction open: at once when none has. */
  settled(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Rolls the open long write back, if any; it notices between slices and starts over. */
  interrupt(): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    open.interrupted = true;
    this.host.rollback();
    this.releaseWaiters();
  }

  /** Runs a long write's steps until it returns, `sliceMs` have passed or the signal aborts. */
  private runSlice<R>(generator: Generator<unknown, R, void>, sliceMs: number, signal: AbortSignal | undefined): IteratorResult<unknown, R> {
    const deadline = performance.now() + sliceMs;
    return this.host.asWriting(() => {
      for (;;) {
        const step = generator.next();
        if (step.done || signal?.aborted || performance.now() >= deadline) return step;
      }
    });
  }

  private releaseWaiters(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
