import type { SqlValue } from 'sql.js';

/**
 * The payload of one journal record: the statements one transaction ran, each with the parameter
 * rows it ran with, in order. Binary, because a log-batch of 1,000 metrics must be encoded and
 * flushed in well under a millisecond and replayed fast on open; and exact: NaN, ±Infinity, -0,
 * blobs and strings with lone surrogates come back as they were bound, so replay binds what the
 * original transaction bound.
 *
 *   payload   := u8 format, statement*
 *   statement := u32 sqlBytes, sql (UTF-8), u32 rowCount, row*
 *   row       := u16 paramCount, value*
 *   value     := u8 tag, data (see ValueTag); integers little-endian
 */
export const recordFormat = 1;

export interface JournaledStatement {
  readonly sql: string;
  readonly rows: SqlValue[][];
}

const enum ValueTag {
  Null = 0,
  Int32 = 1,
  Float64 = 2,
  /** u32 byte length, UTF-8. */
  Text = 3,
  /** u32 byte length, UTF-16LE: for strings with lone surrogates, which UTF-8 would replace. */
  Utf16Text = 4,
  /** u32 byte length, bytes. */
  Blob = 5,
}

/** Raised for a record written by a newer RunLens: not damage, and not ours to interpret. */
export class UnknownRecordFormatError extends Error {
  constructor(readonly format: number) {
    super(`journal record format ${format} is newer than this RunLens understands (${recordFormat})`);
    this.name = 'UnknownRecordFormatError';
  }
}

// String.prototype.isWellFormed (ES2024) exists in Node 20 but not in this project's TS lib.
const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

/**
 * Builds one record in a reusable buffer, row by row as a transaction runs. It leaves
 * `headerBytes` free at the start so the journal can frame the record without copying it.
 */
export class RecordWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private position = 0;
  private currentSql: string | undefined;
  private rowCountAt = 0;
  private rowCount = 0;
  private readonly saved = { position: 0, currentSql: undefined as string | undefined, rowCountAt: 0, rowCount: 0 };

  constructor(private readonly headerBytes: number) {}

  /** Starts a new record, forgetting the previous one. */
  begin(): void {
    // A huge transaction should not pin its buffer for the life of the process.
    if (this.buffer.length > 16 * 1024 * 1024) this.buffer = Buffer.allocUnsafe(64 * 1024);
    this.position = this.headerBytes;
    this.currentSql = undefined;
    this.ensure(1);
    this.buffer[this.position++] = recordFormat;
  }

  get isEmpty(): boolean {
    return this.currentSql === undefined;
  }

  /**
   * Records one row; consecutive rows of the same SQL share one statement entry. The row is
   * encoded before it runs (a value that cannot be journaled must not run at all); when running it
   * fails, `undoRow` takes it back, since a failed statement changes nothing and the transaction
   * may go on.
   */
  addRow(sql: string, row: readonly unknown[]): void {
    this.saved.position = this.position;
    this.saved.currentSql = this.currentSql;
    this.saved.rowCountAt = this.rowCountAt;
    this.saved.rowCount = this.rowCount;
    if (row.length > 0xffff) throw new RangeError(`a statement bound ${row.length} parameters`);
    if (sql !== this.currentSql) this.startStatement(sql);
    this.buffer.writeUInt32LE(++this.rowCount, this.rowCountAt);
    this.ensure(2);
    this.position = this.buffer.writeUInt16LE(row.length, this.position);
    for (const value of row) this.addValue(value);
  }

  /** Takes back the row of the last `addRow` (including a row that failed to encode). */
  undoRow(): void {
    this.position = this.saved.position;
    this.currentSql = this.saved.currentSql;
    this.rowCountAt = this.saved.rowCountAt;
    this.rowCount = this.saved.rowCount;
    if (this.currentSql !== undefined) this.buffer.writeUInt32LE(this.rowCount, this.rowCountAt);
  }

  /** The record so far, `headerBytes` of room first. Valid until the next `begin`. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.position);
  }

  private startStatement(sql: string): void {
    this.currentSql = sql;
    this.addString(sql);
    this.ensure(4);
    this.rowCountAt = this.position;
    this.rowCount = 0;
    this.position = this.buffer.writeUInt32LE(0, this.position);
  }

  // Mirrors how sql.js binds each JavaScript type (Statement.bindValue), so replay binds the same.
  private addValue(value: unknown): void {
    this.ensure(9);
    const buffer = this.buffer;
    switch (typeof value) {
      case 'number':
        if ((value | 0) === value && !Object.is(value, -0)) {
          buffer[this.position] = ValueTag.Int32;
          this.position = buffer.writeInt32LE(value, this.position + 1);
        } else {
          buffer[this.position] = ValueTag.Float64;
          this.position = buffer.writeDoubleLE(value, this.position + 1);
        }
        return;
      case 'string':
        return this.addText(value);
      case 'boolean':
        buffer[this.position] = ValueTag.Int32;
        this.position = buffer.writeInt32LE(value ? 1 : 0, this.position + 1);
        return;
      case 'bigint':
        return this.addText(value.toString());
      case 'object':
        if (value === null) {
          buffer[this.position++] = ValueTag.Null;
          return;
        }
        if (value instanceof Uint8Array) return this.addBlob(value);
        if ('length' in value) return this.addBlob(Uint8Array.from(value as ArrayLike<number>));
    }
    throw new TypeError(`cannot journal a parameter of type ${typeof value}`);
  }

  private addText(value: string): void {
    if (!isWellFormed.call(value)) {
      this.ensure(5 + value.length * 2);
      this.buffer[this.position] = ValueTag.Utf16Text;
      const written = this.buffer.write(value, this.position + 5, 'utf16le');
      this.buffer.writeUInt32LE(written, this.position + 1);
      this.position += 5 + written;
      return;
    }
    this.buffer[this.position] = ValueTag.Text;
    this.position++;
    this.addString(value);
  }

  private addString(value: string): void {
    // Three UTF-8 bytes per UTF-16 unit at most, so the write below never truncates.
    this.ensure(4 + value.length * 3);
    const written = this.buffer.write(value, this.position + 4, 'utf8');
    this.buffer.writeUInt32LE(written, this.position);
    this.position += 4 + written;
  }

  private addBlob(value: Uint8Array): void {
    this.ensure(5 + value.length);
    this.buffer[this.position] = ValueTag.Blob;
    this.buffer.writeUInt32LE(value.length, this.position + 1);
    this.buffer.set(value, this.position + 5);
    this.position += 5 + value.length;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }
}

/** Decodes `bytes[start, end)`; throws on anything malformed (the caller treats that as damage). */
export function decodeRecord(bytes: Buffer, start: number, end: number): JournaledStatement[] {
  if (end <= start) throw new Error('empty record');
  const format = bytes[start];
  if (format !== recordFormat) throw new UnknownRecordFormatError(format);
  const reader = new RecordReader(bytes, start + 1, end);
  const statements: JournaledStatement[] = [];
  while (!reader.done) {
    const sql = reader.string(reader.u32(), 'utf8');
    const rowCount = reader.u32();
    const rows: SqlValue[][] = new Array(rowCount);
    for (let r = 0; r < rowCount; r++) {
      const row: SqlValue[] = new Array(reader.u16());
      for (let i = 0; i < row.length; i++) row[i] = reader.value();
      rows[r] = row;
    }
    statements.push({ sql, rows });
  }
  return statements;
}

class RecordReader {
  constructor(
    private readonly bytes: Buffer,
    private position: number,
    private readonly end: number,
  ) {}

  get done(): boolean {
    return this.position === this.end;
  }

  u16(): number {
    this.need(2);
    const value = this.bytes.readUInt16LE(this.position);
    this.position += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.bytes.readUInt32LE(this.position);
    this.position += 4;
    return value;
  }

  string(length: number, encoding: 'utf8' | 'utf16le'): string {
    this.need(length);
    const value = this.bytes.toString(encoding, this.position, this.position + length);
    this.position += length;
    return value;
  }

  value(): SqlValue {
    this.need(1);
    const tag = this.bytes[this.position++];
    switch (tag) {
      case ValueTag.Null:
        return null;
      case ValueTag.Int32: {
        this.need(4);
        const value = this.bytes.readInt32LE(this.position);
        this.position += 4;
        return value;
      }
      case ValueTag.Float64: {
        this.need(8);
        const value = this.bytes.readDoubleLE(this.position);
        this.position += 8;
        return value;
      }
      case ValueTag.Text:
        return this.string(this.u32(), 'utf8');
      case ValueTag.Utf16Text:
        return this.string(this.u32(), 'utf16le');
      case ValueTag.Blob: {
        const length = this.u32();
        this.need(length);
        // A plain Uint8Array, as sql.js returns blobs, and a copy: the journal's read blocks are reused.
        const value = new Uint8Array(length);
        value.set(this.bytes.subarray(this.position, this.position + length));
        this.position += length;
        return value;
      }
      default:
        throw new Error(`unknown value tag ${tag}`);
    }
  }

  private need(bytes: number): void {
    if (this.position + bytes > this.end) throw new Error('record ends inside a value');
  }
}
