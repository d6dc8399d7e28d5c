import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { signatureBytes } from './trigramSignature';

/**
 * The content signatures of the traces (trigramSignature.ts), one fixed 256-byte record each in
 * one file beside the span files (DESIGN.md, "Data"), at the offset of the trace's rowid in the
 * `traces` table: a content search reads the records of a batch of candidates in one read, and
 * the sql.js image does not grow. A record is the trace id's 64-bit hash, the signature, and the
 * hash again; it speaks for a trace only when both hashes are that trace's. A derived index, never
 * a source of truth: a record that is missing (a hole of zeros, past the end), torn (the two
 * hashes differ) or another trace's (a rowid reused after a delete) means "may match: read the
 * file". Whoever writes a record keeps it a superset of its trace's file: bits are added before
 * the lines they stand for are appended (and flushed before, so a crash leaves extra bits only),
 * and a new record is written only for what is known to be the whole file.
 */

export const contentSignaturesFile = 'content-signatures.bin';
const recordBytes = 256;
const hashBytes = 8;
/** Records of candidates this close together are read in one read, the records between them too. */
const largestGap = 16;
/** Rowids past this (a table that has seen billions of rows) get no record: their traces are always read. */
const largestRowid = 2 ** 28;
/** Changed whenever the record's format or the trigram hashing changes: every older record then reads as another trace's. */
const formatSeed = 0x5a17_0001;

/** A trace's place: its rowid in `traces` and its id. */
export interface TraceRow {
  readonly rowid: number;
  readonly traceId: string;
}

export class ContentSignatures {
  readonly file: string;

  constructor(spanDir: string) {
    this.file = path.join(spanDir, contentSignaturesFile);
  }

  /**
   * Each row's signature, or undefined when its record does not speak for its trace (then its
   * file must be read). An unreadable index file answers undefined for all: it only makes searches slower.
   */
  async read(rows: readonly TraceRow[]): Promise<SignatureBatch> {
    const reader = await this.openReader();
    try {
      return await reader.read(rows);
    } finally {
      await reader.close();
    }
  }

  /** A reader of records that keeps the file open between reads: for a search, which reads a batch of candidates' records at a time. */
  async openReader(): Promise<SignatureReader> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.file, 'r');
    } catch {
      // No index yet (a store made before it), or none readable: every trace is read from its file.
    }
    return {
      read: (rows) => readRecords(handle, rows),
      close: async () => handle?.close(),
    };
  }

  /**
   * Writes each row's record; `flush` makes them durable before it resolves, as records that add
   * bits must be before the lines they stand for are appended (a record lost in a crash while
   * its line survived would say "no match" for it). A new record, written after its lines, need not be.
   */
  async write(records: readonly SignatureRecord[], flush: boolean): Promise<void> {
    const indexed = records.filter(({ row }) => isIndexable(row.rowid));
    if (indexed.length === 0) return;
    const handle = await open(this.file, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      await Promise.all(indexed.map(({ row, signature }) => handle.write(recordOf(row.traceId, signature), 0, recordBytes, row.rowid * recordBytes)));
      if (flush) await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}

export interface SignatureRecord {
  readonly row: TraceRow;
  readonly signature: Uint8Array;
}

export interface SignatureReader {
  read(rows: readonly TraceRow[]): Promise<SignatureBatch>;
  close(): Promise<void>;
}

/**
 * The signatures of a batch of rows, in one buffer (a content search reads 100,000 of them: no
 * object per row). Row i's record is its trace's own when `offsets[i]` is not -1.
 */
export class SignatureBatch {
  constructor(
    private readonly bytes: Buffer,
    private readonly offsets: Int32Array,
  ) {}

  /** Whether row i's record is its trace's own. */
  isOwn(i: number): boolean {
    return this.offsets[i] >= 0;
  }

  /** False only when row i's own signature lacks one of `bits` (trigramSignature.ts's patternBits): proof that its trace's lines have not their trigrams. */
  mayHave(i: number, bits: readonly number[]): boolean {
    const offset = this.offsets[i];
    if (offset < 0) return true;
    for (const bit of bits) if ((this.bytes[offset + (bit >>> 3)] & (1 << (bit & 7))) === 0) return false;
    return true;
  }

  /** A copy of row i's signature, to add bits to; undefined when its record is not its trace's own. */
  copy(i: number): Uint8Array | undefined {
    const offset = this.offsets[i];
    // A plain Uint8Array: a Buffer's own slice() would be a view, not a copy.
    return offset < 0 ? undefined : new Uint8Array(this.bytes.subarray(offset, offset + signatureBytes));
  }
}

/** Reads the records of the rows, those close together in one read. */
async function readRecords(handle: FileHandle | undefined, rows: readonly TraceRow[]): Promise<SignatureBatch> {
  const offsets = new Int32Array(rows.length).fill(-1);
  const runs = recordRuns(rows);
  const last = runs[runs.length - 1];
  const bytes = Buffer.allocUnsafe(last === undefined ? 0 : last.at + (last.lastRowid - last.firstRowid + 1) * recordBytes);
  if (handle === undefined) return new SignatureBatch(bytes, offsets);
  try {
    for (const { firstRowid, lastRowid, at, members } of runs) {
      const { bytesRead } = await handle.read(bytes, at, (lastRowid - firstRowid + 1) * recordBytes, firstRowid * recordBytes);
      for (const i of members) {
        const offset = (rows[i].rowid - firstRowid) * recordBytes;
        if (offset + recordBytes <= bytesRead && isOwnRecord(bytes, at + offset, rows[i].traceId)) offsets[i] = at + offset + hashBytes;
      }
    }
  } catch {
    // Read what it could; the rest are read from their files.
  }
  return new SignatureBatch(bytes, offsets);
}

/** A range of records read at once, where it goes in the batch's buffer, and the rows whose records it holds. */
interface RecordRun {
  readonly firstRowid: number;
  readonly lastRowid: number;
  readonly at: number;
  readonly members: number[];
}

/**
 * The ranges of records to read for the rows. A batch of candidates walked in order mostly holds
 * rowids close together (traces are inserted about in the order they start): when its whole range
 * is at most a few times its size, it is one read, with no sort; otherwise runs of nearby rowids.
 */
function recordRuns(rows: readonly TraceRow[]): RecordRun[] {
  let low = Infinity;
  let high = -Infinity;
  const members: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const { rowid } = rows[i];
    if (!isIndexable(rowid)) continue;
    members.push(i);
    low = Math.min(low, rowid);
    high = Math.max(high, rowid);
  }
  if (members.length === 0) return [];
  if (high - low + 1 <= members.length * 4) return [{ firstRowid: low, lastRowid: high, at: 0, members }];
  members.sort((a, b) => rows[a].rowid - rows[b].rowid);
  const runs: RecordRun[] = [];
  let at = 0;
  for (let start = 0; start < members.length; ) {
    let end = start + 1;
    while (end < members.length && rows[members[end]].rowid - rows[members[end - 1]].rowid <= largestGap) end++;
    const firstRowid = rows[members[start]].rowid;
    const lastRowid = rows[members[end - 1]].rowid;
    runs.push({ firstRowid, lastRowid, at, members: members.slice(start, end) });
    at += (lastRowid - firstRowid + 1) * recordBytes;
    start = end;
  }
  return runs;
}

function isIndexable(rowid: number): boolean {
  return Number.isSafeInteger(rowid) && rowid > 0 && rowid <= largestRowid;
}

/** Two 32-bit FNV-1a hashes of the id, with different offsets; never both zero, which a hole reads as. */
function traceIdHash(traceId: string): [number, number] {
  let a = 0x811c9dc5 ^ formatSeed;
  let b = 0x01000193 ^ formatSeed;
  for (let i = 0; i < traceId.length; i++) {
    const code = traceId.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 15);
  }
  return [(a | 1) >>> 0, b >>> 0];
}

function recordOf(traceId: string, signature: Uint8Array): Buffer {
  const record = Buffer.alloc(recordBytes);
  const [a, b] = traceIdHash(traceId);
  record.writeUInt32LE(a, 0);
  record.writeUInt32LE(b, 4);
  record.set(signature, hashBytes);
  record.writeUInt32LE(a, recordBytes - hashBytes);
  record.writeUInt32LE(b, recordBytes - hashBytes + 4);
  return record;
}

/** Whether the record at `offset` has the trace's id hash at both ends. */
function isOwnRecord(bytes: Buffer, offset: number, traceId: string): boolean {
  const [a, b] = traceIdHash(traceId);
  const tail = offset + recordBytes - hashBytes;
  return bytes.readUInt32LE(offset) === a && bytes.readUInt32LE(offset + 4) === b && bytes.readUInt32LE(tail) === a && bytes.readUInt32LE(tail + 4) === b;
}
