import type { Database as SqlJsDatabase } from 'sql.js';
import { writeCheckpointSeq } from './checkpointMark';
import { CheckpointScheduler, type Persistence } from './checkpointScheduler';
import { saveImage, writeImageInBackground, writeImageInWorker, type WrittenImage } from './databaseImage';
import { copyWithoutFreePages } from './imageCompaction';
import type { SeriesFiles } from './series/seriesFiles';
import { loadSqlJs } from './sqlJs';

/**
 * What checkpoints and compaction borrow from their Database. The Database keeps the transaction
 * state and the sql.js database; a checkpoint only reads them, a compaction hands a new one back.
 */
export interface CheckpointHost {
  /** Undefined for an in-memory database: a checkpoint then has nothing to write. */
  readonly persistence: Persistence | undefined;
  readonly series: SeriesFiles;
  /** The sql.js database as it is now (a compaction replaces it). */
  sqlDatabase(): SqlJsDatabase;
  isClosed(): boolean;
  assertOpen(): void;
  /** Whether a write (plain or long) has its transaction open: exporting the image then would end it. */
  inWrite(): boolean;
  /** Whether a long write (`writeInSlices`) has its transaction open across turns. */
  inLongWrite(): boolean;
  /** Puts a compacted copy in place of the sql.js database, closing the old one. */
  replaceSqlDatabase(fresh: SqlJsDatabase): void;
  reportBackgroundError(error: Error): void;
}

/**
 * The checkpoints of a Database (`Database.checkpoint`, on size, on idle, on close) and its
 * compaction, which ends in one: each folds the journal into a new image of the database.
 */
export class Checkpoints {
  /** Bumped by every transaction begun and every checkpoint that exports on the event loop (it writes its mark): a compaction copying across turns notices either. */
  private generation = 0;
  /** Set while `compact` copies the image: a checkpoint then would detach the copy. */
  private compacting = false;
  /** Bumped by every checkpoint begun: a background one gives up when another began meanwhile. */
  private checkpointsBegun = 0;
  /** When a durable database checkpoints on its own. */
  readonly scheduler: CheckpointScheduler | undefined;

  constructor(private readonly host: CheckpointHost) {
    this.scheduler =
      host.persistence &&
      new CheckpointScheduler(host.persistence, {
        checkpointInBackground: () => this.checkpointInBackground(),
        isClosed: () => host.isClosed(),
        inLongWrite: () => host.inLongWrite() || this.compacting,
        series: host.series,
        reportBackgroundError: (error) => host.reportBackgroundError(error),
      });
  }

  /** Tells a compaction copying across turns that a transaction began: its copy would be stale. */
  transactionBegun(): void {
    this.generation++;
  }

  /**
   * Folds the journal into the image: export, write `runlens.db.tmp`, flush, rename over
   * `runlens.db`, flush the folder, then empty the journal. Runs on size, on idle and on close;
   * callable any time outside a write.
   */
  checkpoint(): void {
    const persistence = this.checkpointNeeded();
    if (!persistence) return;
    // The history files first: once the journal is emptied, they alone hold the points.
    this.host.series.sync();
    const image = this.exportForCheckpoint(persistence);
    saveImage(persistence.dir, image);
    persistence.imageExists = true;
    persistence.imageBytes = image.length;
    persistence.journal.clear();
    persistence.nextCheckpointAt = nextCheckpointSpan(persistence, image.length);
  }

  /**
   * `checkpoint` for a checkpoint no caller waits for (on size, on idle), with nothing long on the
   * event loop. It marks the journal where it ends now. An image of `workerImageBytes` or more is
   * then built from the files by a worker thread, the image as last written plus the journal up to
   * the mark, written and flushed (`writeImageInWorker`); a smaller one is exported on the event
   * loop (quicker than starting the worker) and written and flushed in the thread pool. Writes go
   * on meanwhile. Back on the event loop the image is renamed into place and the journal drops the
   * records it holds, keeping those committed meanwhile, its disk work in the thread pool too
   * (`Journal.dropThrough`). Gives up, changing nothing, when another checkpoint (a close, a
   * compaction) began meanwhile: its image is newer.
   */
  async checkpointInBackground(): Promise<void> {
    // A cut of the journal still under way (an earlier checkpoint's) moves the offsets a mark counts in.
    const cutting = this.host.persistence?.journal.cutUnderway;
    if (cutting) await cutting;
    const persistence = this.checkpointNeeded();
    if (!persistence) return;
    // The history files written up to the mark, flushed in the thread pool before the image is
    // installed: once it counts their points and the journal drops the records, they alone hold them.
    const seriesFlushed = this.host.series.syncInBackground();
    let image: Uint8Array | undefined;
    // The worker builds from the image on disk: a store without one yet (new, or its first
    // checkpoint failed) has a small image, exported here.
    if (persistence.imageExists && persistence.imageBytes >= persistence.workerImageBytes) this.checkpointsBegun++;
    else image = this.exportForCheckpoint(persistence);
    const mark = { journalBytes: persistence.journal.byteLength, throughSeq: persistence.journal.lastSeq };
    const begun = this.checkpointsBegun;
    const superseded = (): boolean => this.host.isClosed() || this.checkpointsBegun !== begun;
    let written: WrittenImage;
    try {
      const writing = image ? writeImageInBackground(persistence.dir, image) : writeImageInWorker(persistence.dir, mark);
      [written] = await Promise.all([writing, seriesFlushed]);
    } catch (error) {
      // A checkpoint meanwhile may have changed the files under the worker: its image is the one wanted.
      if (superseded()) return;
      throw error;
    }
    if (superseded()) {
      written.discard();
      return;
    }
    await written.install();
    persistence.imageExists = true;
    if (superseded()) return;
    await persistence.journal.dropThrough(mark.journalBytes);
    // A checkpoint that began meanwhile (a close) wrote an image of its own, and its size.
    if (superseded()) return;
    persistence.imageBytes = written.imageBytes;
    persistence.nextCheckpointAt = persistence.journal.byteLength + nextCheckpointSpan(persistence, written.imageBytes);
  }

  /**
   * The last checkpoint of a Database that closes and can wait for it (a window letting its store
   * go, `runlens serve` stopping): built in a worker thread as a background one is, so that closing
   * a store with a large image never freezes the event loop (a synchronous `checkpoint` exports the
   * whole image on it: over a second for 135 MB). Writes made meanwhile stay in the journal, flushed,
   * replayed at the next open. A failure is reported, not thrown: the journal holds every write, and
   * the Database closes all the same. `interruptLongWrite` rolls back a long write still open.
   */
  async checkpointBeforeClose(interruptLongWrite: () => void): Promise<void> {
    try {
      await this.settled();
      if (this.host.isClosed()) return;
      interruptLongWrite();
      await this.checkpointInBackground();
      // Records of group commits still waiting for their shared flush get it before the file is let go.
      if (!this.host.isClosed()) await this.host.persistence?.journal.flushed();
    } catch (error) {
      this.host.reportBackgroundError(error as Error);
    }
  }

  /** Resolves once no checkpoint of its own (on size, on idle) is running: at once when none is. */
  async settled(): Promise<void> {
    await this.scheduler?.settled();
  }

  /**
   * Gives the space of deleted rows back and checkpoints: the image then holds only live pages, as
   * after VACUUM, but the copy is made in slices with turns of the event loop between them
   * (imageCompaction.ts), so a large image never holds the loop for long. Changes no row, so
   * nothing is journaled. For after a large delete (the move of the histories out of the image),
   * not for every day. Resolves false, changing nothing, when a write, checkpoint or close came
   * between the slices (the copy would be stale).
   */
  async compact(): Promise<boolean> {
    const host = this.host;
    host.assertOpen();
    if (host.inWrite() || this.compacting) throw new Error('Database.compact cannot run inside a write or another compaction');
    const SQL = await loadSqlJs();
    const generation = this.generation;
    this.compacting = true;
    let fresh: SqlJsDatabase | undefined;
    try {
      fresh = await copyWithoutFreePages(SQL, host.sqlDatabase(), () => host.isClosed() || this.generation !== generation);
    } finally {
      this.compacting = false;
    }
    if (!fresh) return false;
    host.replaceSqlDatabase(fresh);
    if (host.persistence) {
      // The journal may be empty: the image is rewritten all the same, smaller.
      host.persistence.imageExists = false;
      this.checkpoint();
    }
    return true;
  }

  /** The persistence to checkpoint, or undefined when there is nothing to fold in. */
  private checkpointNeeded(): Persistence | undefined {
    this.host.assertOpen();
    if (this.host.inWrite()) throw new Error('Database.checkpoint cannot run inside a write');
    const persistence = this.host.persistence;
    if (!persistence) return undefined;
    this.scheduler?.cancelIdle();
    if (persistence.imageExists && persistence.journal.byteLength === 0) return undefined;
    return persistence;
  }

  /** The image a checkpoint writes when it exports on the event loop, marked with the journal's last record. */
  private exportForCheckpoint(persistence: Persistence): Uint8Array {
    this.generation++;
    this.checkpointsBegun++;
    const db = this.host.sqlDatabase();
    writeCheckpointSeq(db, persistence.journal.lastSeq);
    return db.export();
  }
}

/** An image from which rebuilding it costs a checkpoint's worker long (about 0.2 s of CPU and more on this machine). */
const largeImageBytes = 32 * 1024 * 1024;

/**
 * How much more journal a size checkpoint waits for. A checkpoint rebuilds and writes the whole
 * image (in a worker thread, but on one of the machine's few cores all the same), so a large image
 * (many runs, params and tags) waits for a journal of a quarter of its size: the rebuild then costs
 * at most four bytes per journaled byte, however large the image grows. The journal keeps the
 * writes durable meanwhile; replaying it on open grows with it.
 */
function nextCheckpointSpan(persistence: Persistence, imageBytes: number): number {
  return imageBytes < largeImageBytes ? persistence.checkpointBytes : Math.max(persistence.checkpointBytes, Math.floor(imageBytes / 4));
}
