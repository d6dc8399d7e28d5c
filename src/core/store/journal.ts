import {
  closeSync,
  constants,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from './crc32';
import {
  copyRangeInBackground,
  fsyncDirectory,
  fsyncDirectoryInBackground,
  openInPool,
  openStoreFile,
  openStoreFileInBackground,
  readFully,
  writeAll,
} from './fileSync';
import type { RecordWriter } from './journalRecord';
import { frameHeaderBytes } from './journalScan';

/**
 * The open journal of a durable database: appends records and is emptied by checkpoints.
 *
 * An append either flushes at once or leaves the flush to `flushed()`, which many appends share
 * (group commit): requests that commit while one flush runs wait for the next, which covers them
 * all. `appended` and `synced` count bytes ever appended and known on disk, so that a waiter knows
 * whether the flush it waits for covers its record, across checkpoints that empty the file.
 */
export class Journal {
  private lastRecordStart = 0;
  private broken: Error | undefined;
  private appended = 0;
  private synced = 0;
  private flushing: Promise<void> | undefined;
  private flushCount = 0;
  /** A `dropThrough` under way. */
  private cut: JournalCut | undefined;
  /** The last `dropThrough`, settled once its steps in the thread pool are done (they may outlast `close`). */
  private cutRunning: Promise<unknown> | undefined;
  private closed = false;

  private constructor(
    private readonly file: string,
    private fd: number,
    private size: number,
    private nextSeq: number,
  ) {}

  /**
   * Opens `file` for appending after its first `length` bytes (the good records; the recovery has
   * already set any damage aside). `nextSeq` is the sequence number of the next record.
   */
  static open(file: string, length: number, nextSeq: number): Journal {
    // Left by a `dropThrough` cut off before its rename: the journal still holds all of it.
    for (const name of readdirSync(path.dirname(file))) {
      if (name.startsWith(path.basename(nextJournalPrefix(file)))) rmSync(path.join(path.dirname(file), name), { force: true });
    }
    const existed = existsSync(file);
    const fd = openStoreFile(file, constants.O_RDWR | constants.O_CREAT);
    try {
      if (fstatSync(fd).size !== length) {
        ftruncateSync(fd, length);
        fdatasyncSync(fd);
      }
      if (!existed) fsyncDirectory(path.dirname(file));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return new Journal(file, fd, length, nextSeq);
  }

  get byteLength(): number {
    return this.size;
  }

  /** Disk flushes of appended records so far: with group commit, fewer than the records. */
  get flushes(): number {
    return this.flushCount;
  }

  /** Sequence number of the last record ever appended (or that the image was checkpointed at). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * Frames the writer's record, appends it and flushes it to the disk. On failure the journal is
   * cut back to where it was, so that it holds exactly the committed transactions; if even that
   * fails, the journal refuses further appends (the store must be reopened).
   */
  append(writer: RecordWriter, flush = true): void {
    if (this.broken) throw new Error(`the journal cannot be written since an earlier failure: ${this.broken.message}`);
    const frame = writer.bytes();
    frame.writeUInt32LE(frame.length - frameHeaderBytes, 0);
    frame.writeUInt32LE(this.nextSeq >>> 0, 8);
    frame.writeUInt32LE(Math.floor(this.nextSeq / 2 ** 32), 12);
    frame.writeUInt32LE(crc32(frame.subarray(8)), 4);
    const start = this.size;
    try {
      writeAll(this.fd, frame, start);
      if (flush) {
        fdatasyncSync(this.fd);
        // In a cut's new file, the record is on the disk only once that file is the journal.
        if (this.cut?.switched) this.endCutNow();
      }
    } catch (error) {
      try {
        this.cutBackTo(start);
      } catch {
        // Recorded in `broken`; the caller needs the first error.
      }
      throw error;
    }
    this.lastRecordStart = start;
    this.size = start + frame.length;
    this.nextSeq++;
    this.appended += frame.length;
    if (flush) {
      this.synced = this.appended;
      this.flushCount++;
    }
  }

  /**
   * Resolves once every record appended so far is on the disk, sharing one flush (fdatasync, off
   * the event loop) with every other caller waiting meanwhile. Rejects if the flush fails; the
   * journal then refuses further appends (the records' fate is unknown: the store must be reopened).
   */
  async flushed(): Promise<void> {
    const wanted = this.appended;
    while (this.synced < wanted) {
      if (this.broken) throw new Error(`the journal cannot be flushed since an earlier failure: ${this.broken.message}`);
      this.flushing ??= this.flushInBackground();
      await this.flushing;
    }
  }

  private async flushInBackground(): Promise<void> {
    const covers = this.appended;
    // Records appended to a cut's new file are on the disk once that file is the journal, not before.
    const cutEnding = this.cut?.switched ? this.cutRunning : undefined;
    try {
      await fdatasyncInPool(this.fd);
      await cutEnding;
      if (this.broken) throw this.broken;
      this.synced = Math.max(this.synced, covers);
      this.flushCount++;
    } catch (error) {
      // A checkpoint meanwhile may have made these records durable in the image: then all is well.
      if (this.synced < covers) this.broken = error as Error;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Takes back the record just appended: its transaction failed to commit after all. */
  retractLast(): void {
    this.cutBackTo(this.lastRecordStart);
    this.appended -= this.size - this.lastRecordStart;
    this.synced = this.appended;
    this.size = this.lastRecordStart;
    this.nextSeq--;
  }

  /** `retractLast` for a failed commit: if the journal cannot cut back, it now refuses appends, and the caller reports the commit's error. */
  retractLastQuietly(): void {
    try {
      this.retractLast();
    } catch {
      // Refusing appends from here on is the journal's own state; nothing to add.
    }
  }

  /** Empties the journal once a checkpoint holds everything in it (a checkpoint that its caller waits for). */
  clear(): void {
    this.cutBackTo(0);
    this.size = 0;
    this.lastRecordStart = 0;
    // The image that the checkpoint wrote and flushed holds every record.
    this.synced = this.appended;
  }

  /**
   * Drops the journal's first `length` bytes, the records a checkpoint's image now holds, and keeps
   * those appended since (the image was written off the event loop while writes went on), without
   * holding the event loop for the disk: the kept records are copied to a new file and flushed in
   * the thread pool while appends go on to the old one; on the event loop, the few appended during
   * the copy follow, and appends move to the new file; the new file is flushed again and renamed
   * over the journal and the folder flushed, in the thread pool. Until that rename is on the disk,
   * the old journal, which holds every record appended before the move, stays the journal on disk,
   * and records appended after the move are not yet flushed for anyone waiting (`flushed`): a kill
   * at any moment loses no acknowledged record. A write that flushes at once (`append`) ends the
   * cut itself, and one that cuts the file back (`retractLast`, `clear`) or `close` makes it give
   * up (before the move) or end at once (after). Resolves once the cut is done or given up.
   */
  dropThrough(length: number): Promise<void> {
    if (this.cut) return Promise.reject(new Error('the journal is being cut already'));
    const running = this.runCut(length);
    const settled: Promise<unknown> = running
      .catch(() => undefined)
      .finally(() => {
        if (this.cutRunning === settled) this.cutRunning = undefined;
      });
    this.cutRunning = settled;
    return running;
  }

  /** A `dropThrough` under way, settled (never rejected) once it and its steps in the thread pool are done; undefined when none is. */
  get cutUnderway(): Promise<unknown> | undefined {
    return this.cutRunning;
  }

  private async runCut(length: number): Promise<void> {
    if (this.broken) throw new Error(`the journal cannot be cut since an earlier failure: ${this.broken.message}`);
    const cut: JournalCut = { nextFile: `${nextJournalPrefix(this.file)}${process.pid}-${++journalCuts}`, fd: -1, switched: false, ended: false };
    this.cut = cut;
    let source: number | undefined;
    try {
      cut.fd = await openStoreFileInBackground(cut.nextFile, 'w+');
      source = await openInPool(this.file, 'r');
      const block = Buffer.allocUnsafe(copyBlockBytes);
      // Appends go on meanwhile: copy until what is left to copy on the event loop is little.
      let copied = Math.min(length, this.size);
      const copyMost = async (): Promise<void> => {
        while (!cut.ended && this.size - copied > syncCopyBytes) {
          copied = await copyRangeInBackground(source as number, cut.fd, copied, this.size, length, block);
        }
      };
      await copyMost();
      if (!cut.ended) await fdatasyncInPool(cut.fd);
      await copyMost();
      if (cut.ended) return;
      // On the event loop from here until appends go to the new file: the last few records.
      const rest = Buffer.allocUnsafe(this.size - copied);
      readFully(this.fd, rest, copied);
      writeAll(cut.fd, rest, copied - length);
    } catch (error) {
      if (this.cut === cut) this.cut = undefined;
      cut.ended = true;
      throw error;
    } finally {
      if (source !== undefined) closeSync(source);
      if (cut.ended) {
        if (cut.fd >= 0) closeSync(cut.fd);
        rmSync(cut.nextFile, { force: true });
      }
    }
    const old = this.fd;
    if (this.flushing) void this.flushing.finally(() => closeSync(old));
    else closeSync(old);
    this.fd = cut.fd;
    this.size -= length;
    this.lastRecordStart = Math.max(0, this.lastRecordStart - length);
    cut.switched = true;
    await this.endCut(cut);
    if (this.broken) throw this.broken;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.settleCut();
    } catch {
      // The journal on disk holds every acknowledged record either way (see `dropThrough`).
    }
    const fd = this.fd;
    const busy = [this.flushing, this.cutRunning].filter((promise) => promise !== undefined);
    // A flush in the thread pool still uses the descriptor: closing it now could flush another file that reuses its number.
    if (busy.length > 0) void Promise.allSettled(busy).then(() => closeSync(fd));
    else closeSync(fd);
  }

  /** The end of a cut, its records moved to the new file: flush it, rename it over the journal, flush the folder. */
  private async endCut(cut: JournalCut): Promise<void> {
    const covers = this.appended;
    try {
      await fdatasyncInPool(cut.fd);
      if (cut.ended) return;
      renameSync(cut.nextFile, this.file);
      cut.renamed = true;
      await fsyncDirectoryInBackground(path.dirname(this.file));
      if (cut.ended) return;
      this.synced = Math.max(this.synced, covers);
    } catch (error) {
      // Until the rename is on the disk, the records appended since the move are in no journal.
      if (!cut.ended) this.broken = error as Error;
    } finally {
      cut.ended = true;
      if (this.cut === cut) this.cut = undefined;
    }
  }

  /** Ends a cut under way on the event loop, for a step that needs the file as it is: `endCutNow` once appends went to the new file, else it gives up. */
  private settleCut(): void {
    if (this.cut?.switched) this.endCutNow();
    else if (this.cut) {
      this.cut.ended = true;
      this.cut = undefined;
    }
  }

  /** `endCut` at once, on the event loop: for a write that flushes at once, or for `close`. */
  private endCutNow(): void {
    const cut = this.cut as JournalCut;
    this.cut = undefined;
    cut.ended = true;
    try {
      fdatasyncSync(this.fd);
      if (!cut.renamed) renameSync(cut.nextFile, this.file);
      fsyncDirectory(path.dirname(this.file));
    } catch (error) {
      this.broken = error as Error;
      throw error;
    }
    this.synced = this.appended;
  }

  private cutBackTo(length: number): void {
    try {
      this.settleCut();
      ftruncateSync(this.fd, length);
      fdatasyncSync(this.fd);
    } catch (error) {
      this.broken = error as Error;
      throw error;
    }
  }
}

/** A `dropThrough` under way. */
interface JournalCut {
  /** The new file, a name of its own: a cut given up may still be writing it as the next one begins. */
  readonly nextFile: string;
  /** The new file's descriptor (-1 until it is open): the cut's own until the move, then the journal's. */
  fd: number;
  /** Set once appends go to the new file. */
  switched: boolean;
  /** Set once the new file was renamed over the journal. */
  renamed?: boolean;
  /** Set when the cut is done, failed, gave up or was ended at once: its steps still in the thread pool then stop. */
  ended: boolean;
}

let journalCuts = 0;
/** Kept records copied per read and write of a cut. */
const copyBlockBytes = 1024 * 1024;
/** Kept records left for a cut to copy on the event loop: well under a millisecond of copying. */
const syncCopyBytes = 256 * 1024;

const fdatasyncInPool = promisify(fdatasync);

function nextJournalPrefix(file: string): string {
  return `${file}.next`;
}
