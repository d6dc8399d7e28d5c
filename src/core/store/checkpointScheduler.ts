import type { RecordWriter } from './journalRecord';
import type { Journal } from './journal';
import { nextTurn } from '../nextTurn';
import type { SeriesFiles } from './series/seriesFiles';

/** What a durable database keeps beside its sql.js database. */
export interface Persistence {
  readonly dir: string;
  readonly journal: Journal;
  readonly writer: RecordWriter;
  readonly checkpointBytes: number;
  readonly idleCheckpointMs: number;
  /** From this image size on, background checkpoints build their image in a worker thread. */
  readonly workerImageBytes: number;
  imageExists: boolean;
  /** The size of `runlens.db` as last written or found on open (0 when there is none yet). */
  imageBytes: number;
  /** Journal size at which the next size-triggered checkpoint runs (pushed back after a failure). */
  nextCheckpointAt: number;
  idleTimer?: NodeJS.Timeout;
}

/** What the scheduler asks of its database. */
export interface CheckpointTarget {
  checkpointInBackground(): Promise<void>;
  isClosed(): boolean;
  /** Whether a long write has its transaction open: exporting the image then would end it. */
  inLongWrite(): boolean;
  readonly series: SeriesFiles;
  reportBackgroundError(error: Error): void;
}

/** Decides when a durable database checkpoints on its own: once its journal is large, or once writes pause. */
export class CheckpointScheduler {
  /** A size or idle checkpoint flushing the history files before it runs. */
  private backgroundCheckpoint: Promise<void> | undefined;

  constructor(
    private readonly persistence: Persistence,
    private readonly target: CheckpointTarget,
  ) {}

  afterJournaledWrite(): void {
    const persistence = this.persistence;
    if (persistence.journal.byteLength < persistence.nextCheckpointAt) {
      this.scheduleIdle();
      return;
    }
    this.checkpointInBackground('size');
  }

  scheduleIdle(): void {
    const persistence = this.persistence;
    if (persistence.idleCheckpointMs <= 0) return;
    if (persistence.idleTimer) {
      persistence.idleTimer.refresh();
      return;
    }
    persistence.idleTimer = setTimeout(() => {
      persistence.idleTimer = undefined;
      if (this.target.isClosed()) return;
      if (this.target.inLongWrite()) {
        // Exporting the image would end the long write's transaction: try again after it.
        this.scheduleIdle();
        return;
      }
      this.checkpointInBackground('idle');
    }, persistence.idleCheckpointMs);
    persistence.idleTimer.unref();
  }

  cancelIdle(): void {
    clearTimeout(this.persistence.idleTimer);
    this.persistence.idleTimer = undefined;
  }

  /**
   * A checkpoint no caller waits for, run after the write that set it off. The history files written
   * since the last one are flushed first off the event loop (with many files that takes many disk
   * flushes); then the checkpoint runs with only what was written meanwhile left to flush, and
   * writes its image in the thread pool (`checkpointInBackground`). Writes go on meanwhile; they
   * stay in the journal until the next checkpoint.
   */
  private checkpointInBackground(trigger: 'size' | 'idle'): void {
    if (this.backgroundCheckpoint) return;
    const persistence = this.persistence;
    const target = this.target;
    const run = async (): Promise<void> => {
      if (target.series.unflushed) await target.series.syncInBackground();
      else await nextTurn();
      if (target.isClosed()) return;
      // Exporting the image would end a long write's transaction: try again after it.
      if (target.inLongWrite()) {
        this.scheduleIdle();
        return;
      }
      await target.checkpointInBackground();
      // Writes committed while the image was written stay journaled: fold them in once things are quiet.
      if (!target.isClosed() && persistence.journal.byteLength > 0) this.scheduleIdle();
    };
    this.backgroundCheckpoint = run()
      .catch((error: unknown) => {
        // The writes are safe in the journal; try again after another `checkpointBytes` (or when
        // idle after the next write: an idle checkpoint failing does not retry by itself).
        persistence.nextCheckpointAt = persistence.journal.byteLength + persistence.checkpointBytes;
        // A close meanwhile checkpointed by itself: this one no longer matters.
        if (target.isClosed()) return;
        if (trigger === 'size') this.scheduleIdle();
        target.reportBackgroundError(error as Error);
      })
      .finally(() => {
        this.backgroundCheckpoint = undefined;
      });
  }

  /** Resolves once no checkpoint runs in the background (at once when none does). */
  async settled(): Promise<void> {
    await this.backgroundCheckpoint;
  }
}
