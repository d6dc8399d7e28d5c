import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRecord, RecordWriter, recordFormat, UnknownRecordFormatError } from '../../../src/core/store/journalRecord';
import { awkwardValues } from './storeTestKit';

const header = 16;

function decode(writer: RecordWriter) {
  const bytes = writer.bytes();
  return decodeRecord(bytes, header, bytes.length);
}

describe('journal record codec', () => {
  it('round-trips NaN, infinities, -0, integers, text with lone surrogates and blobs exactly', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    writer.addRow('INSERT INTO vals (v) VALUES (?)', [...awkwardValues]);
    const [statement] = decode(writer);
    assert.equal(statement.sql, 'INSERT INTO vals (v) VALUES (?)');
    assert.equal(statement.rows.length, 1);
    const decoded = statement.rows[0];
    assert.equal(decoded.length, awkwardValues.length);
    awkwardValues.forEach((value, i) => {
      if (value instanceof Uint8Array) assert.deepEqual(decoded[i], value, `value ${i}`);
      else assert.ok(Object.is(decoded[i], value), `value ${i}: ${String(decoded[i])} should be ${String(value)}`);
    });
  });

  it('binds booleans and bigints as sql.js does: as 0/1 and as decimal text', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    writer.addRow('X', [true, false, 12345678901234567890n]);
    assert.deepEqual(decode(writer)[0].rows[0], [1, 0, '12345678901234567890']);
  });

  it('keeps consecutive rows of one statement in one entry and starts a new entry when the SQL changes', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    writer.addRow('A', [1]);
    writer.addRow('A', [2]);
    writer.addRow('B', ['x', 'y']);
    writer.addRow('A', []);
    assert.deepEqual(decode(writer), [
      { sql: 'A', rows: [[1], [2]] },
      { sql: 'B', rows: [['x', 'y']] },
      { sql: 'A', rows: [[]] },
    ]);
  });

  it('takes back a row whose statement failed, within a statement entry and as its first row', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    writer.addRow('A', [1]);
    writer.addRow('A', [2]);
    writer.undoRow();
    writer.addRow('B', [3]);
    writer.undoRow();
    writer.addRow('A', [4]);
    assert.deepEqual(decode(writer), [{ sql: 'A', rows: [[1], [4]] }]);
  });

  it('refuses a value it cannot journal, and the row can be taken back', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    writer.addRow('A', [1]);
    assert.throws(() => writer.addRow('A', [2, { not: 'bindable' }]), /cannot journal a parameter of type object/);
    writer.undoRow();
    assert.deepEqual(decode(writer), [{ sql: 'A', rows: [[1]] }]);
  });

  it('grows past its initial buffer for large records', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    const big = 'x'.repeat(200_000);
    const blob = new Uint8Array(300_000).fill(7);
    for (let i = 0; i < 1000; i++) writer.addRow('INSERT', [i, 'k', i * 0.5]);
    writer.addRow('BIG', [big, blob]);
    const statements = decode(writer);
    assert.equal(statements[0].rows.length, 1000);
    assert.deepEqual(statements[0].rows[999], [999, 'k', 499.5]);
    assert.equal(statements[1].rows[0][0], big);
    assert.deepEqual(statements[1].rows[0][1], blob);
  });

  it('is empty until a row is added, and begin() forgets the previous record', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    assert.equal(writer.isEmpty, true);
    writer.addRow('A', [1]);
    assert.equal(writer.isEmpty, false);
    writer.begin();
    assert.equal(writer.isEmpty, true);
    assert.deepEqual(decode(writer), []);
  });

  it('rejects truncated payloads and recognises a newer format', () => {
    const writer = new RecordWriter(header);
    writer.begin();
    writer.addRow('INSERT', ['some text', 1.5]);
    const bytes = writer.bytes();
    for (let end = header + 2; end < bytes.length; end++) {
      assert.throws(() => decodeRecord(bytes, header, end), `cut at ${end}`);
    }
    const newer = Buffer.from(bytes);
    newer[header] = recordFormat + 1;
    assert.throws(() => decodeRecord(newer, header, newer.length), UnknownRecordFormatError);
  });
});
