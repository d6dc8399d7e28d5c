import type { RecordWriter } from './journalRecord';
import type { Journal } from './journal';
import type { SeriesFiles } from './series/seriesFiles';

/** What a durable database keeps beside its sql.js database. */
export interface Persistence {
  readonly dir: string;
  readonly journal: Journal;
  readonly writer: RecordWriter;
  readonly checkpointBytes: number;
  readonly idleCheckpointMs: number;
  imageExists: boolean;
  /** Journal size at which the next size-triggered checkpoint runs (pushed back after a failure). */
  nextCheckpointAt: number;
  idleTimer?: NodeJS.Timeout;
}

/** What the scheduler asks of its database. */
export interface CheckpointTarget {
  checkpoint(): void;
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
   * A checkpoint no caller waits for (on size, on idle). The history files written since the last
   * one are flushed first off the event loop (with many files that takes many disk flushes), then
   * the checkpoint itself runs with only what was written meanwhile left to flush. Writes go on
   * while the files are flushed; they stay in the journal until the checkpoint.
   */
  private checkpointInBackground(trigger: 'size' | 'idle'): void {
    if (this.backgroundCheckpoint) return;
    const persistence = this.persistence;
    const target = this.target;
    const checkpointNow = (): void => {
      try {
        target.checkpoint();
      } catch (error) {
        // The writes are safe in the journal; try again after another `checkpointBytes` (or when
        // idle after the next write: an idle checkpoint failing does not retry by itself).
        persistence.nextCheckpointAt = persistence.journal.byteLength + persistence.checkpointBytes;
        if (trigger === 'size') this.scheduleIdle();
        target.reportBackgroundError(error as Error);
      }
    };
    if (!target.series.unflushed) {
      checkpointNow();
      return;
    }
    this.backgroundCheckpoint = target.series
      .syncInBackground()
      .then(
        () => {
          if (target.isClosed()) return;
          // Exporting the image would end a long write's transaction: try again after it.
          if (target.inLongWrite()) this.scheduleIdle();
          else checkpointNow();
        },
        (error: unknown) => {
          persistence.nextCheckpointAt = persistence.journal.byteLength + persistence.checkpointBytes;
          target.reportBackgroundError(error as Error);
        },
      )
      .finally(() => {
        this.backgroundCheckpoint = undefined;
      });
  }
}
