import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from './crc32';
import { fsyncDirectory, openStoreFile, readFully, writeAll } from './fileSync';
import { decodeRecord, type JournaledStatement, UnknownRecordFormatError } from './journalRecord';

/**
 * The journal: the transactions committed since the last checkpoint, one framed record each.
 *
 *   frame := u32 payloadBytes, u32 crc32(seq and payload), u32 seq low, u32 seq high, payload
 *
 * Sequence numbers rise by one per record and never restart, so a record can be matched against
 * the sequence number the database image was checkpointed at.
 */
export const frameHeaderBytes = 16;

export interface JournalRecord {
  readonly seq: number;
  readonly statements: JournaledStatement[];
}

export interface JournalDamage {
  /** Where the first bad record starts; everything from here on is damage. */
  readonly offset: number;
  readonly length: number;
  readonly reason: string;
}

export interface JournalScan {
  /** Bytes of whole, valid, consecutive records. */
  readonly goodLength: number;
  /** Sequence number of the last good record. */
  readonly lastSeq: number | undefined;
  readonly damage?: JournalDamage;
}

/**
 * Reads the journal front to back, handing each valid record to `onRecord`, and stops at the first
 * frame that is cut short, fails its checksum, breaks the sequence, does not decode, or that
 * `onRecord` rejects (by returning the reason). Reads only: the caller decides what to do about
 * damage. A missing journal is an empty one. Throws UnknownRecordFormatError for a record from a
 * newer RunLens. With `upTo`, reads only the journal's first `upTo` bytes (a checkpoint's mark:
 * records appended after it are not its business).
 */
export function scanJournal(file: string, onRecord: (record: JournalRecord) => string | undefined, upTo = Infinity): JournalScan {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { goodLength: 0, lastSeq: undefined };
    throw error;
  }
  try {
    const size = Math.min(fstatSync(fd).size, upTo);
    const reader = new BlockReader(fd, size);
    let offset = 0;
    let lastSeq: number | undefined;
    const damaged = (reason: string): JournalScan => ({
      goodLength: offset,
      lastSeq,
      damage: { offset, length: size - offset, reason },
    });
    while (offset < size) {
      if (size - offset < frameHeaderBytes) return damaged('the last record header is cut short');
      const payloadBytes = reader.bytes(offset, frameHeaderBytes).readUInt32LE(0);
      if (payloadBytes > size - offset - frameHeaderBytes) return damaged('the last record is cut short');
      const frame = reader.bytes(offset, frameHeaderBytes + payloadBytes);
      if (crc32(frame.subarray(8)) !== frame.readUInt32LE(4)) return damaged('a record fails its checksum');
      const seq = frame.readUInt32LE(8) + frame.readUInt32LE(12) * 2 ** 32;
      if (lastSeq !== undefined && seq !== lastSeq + 1) {
        return damaged(`record ${seq} follows record ${lastSeq}: records are missing`);
      }
      let statements: JournaledStatement[];
      try {
        statements = decodeRecord(frame, frameHeaderBytes, frame.length);
      } catch (error) {
        if (error instanceof UnknownRecordFormatError) throw error;
        return damaged(`record ${seq} cannot be decoded (${(error as Error).message})`);
      }
      const rejected = onRecord({ seq, statements });
      if (rejected !== undefined) return damaged(rejected);
      lastSeq = seq;
      offset += frame.length;
    }
    return { goodLength: offset, lastSeq };
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the journal from `offset` to its end into a new `journal.damaged-<time>` file beside it,
 * flushed, and only then cuts the journal back to `offset`. Returns the new file's path.
 */
export function setDamageAside(file: string, offset: number): string {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const { path: damageFile, fd: out } = createDamageFile(file);
    try {
      const block = Buffer.allocUnsafe(Math.min(8 * 1024 * 1024, Math.max(size - offset, 1)));
      for (let position = offset; position < size; ) {
        const read = readSync(fd, block, 0, Math.min(block.length, size - position), position);
        if (read === 0) break;
        writeAll(out, block.subarray(0, read), position - offset);
        position += read;
      }
      fdatasyncSync(out);
    } finally {
      closeSync(out);
    }
    fsyncDirectory(path.dirname(file));
    ftruncateSync(fd, offset);
    fdatasyncSync(fd);
    return damageFile;
  } finally {
    closeSync(fd);
  }
}

function createDamageFile(file: string): { path: string; fd: number } {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let n = 1; ; n++) {
    const candidate = `${file}.damaged-${stamp}${n === 1 ? '' : `-${n}`}`;
    try {
      return { path: candidate, fd: openStoreFile(candidate, 'wx') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Reads a file in large blocks, so that scanning many small records costs few system calls. */
class BlockReader {
  private block = Buffer.alloc(0);
  private blockStart = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  bytes(offset: number, length: number): Buffer {
    if (offset < this.blockStart || offset + length > this.blockStart + this.block.length) {
      const blockLength = Math.min(Math.max(length, 8 * 1024 * 1024), this.size - offset);
      const block = Buffer.allocUnsafe(blockLength);
      this.block = block.subarray(0, readFully(this.fd, block, offset));
      this.blockStart = offset;
    }
    return this.block.subarray(offset - this.blockStart, offset - this.blockStart + length);
  }
}
