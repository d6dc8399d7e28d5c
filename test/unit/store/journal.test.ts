import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { crc32Words, tableCrc32 } from '../../../src/core/store/crc32';
import { Journal } from '../../../src/core/store/journal';
import { frameHeaderBytes, type JournalRecord, scanJournal, setDamageAside } from '../../../src/core/store/journalScan';
import { RecordWriter } from '../../../src/core/store/journalRecord';
import { tempDir } from './storeTestKit';

function appendRecords(file: string, firstSeq: number, count: number): number[] {
  const journal = Journal.open(file, 0, firstSeq);
  const writer = new RecordWriter(frameHeaderBytes);
  const ends: number[] = [];
  for (let i = 0; i < count; i++) {
    writer.begin();
    writer.addRow('INSERT INTO t VALUES (?)', [firstSeq + i]);
    journal.append(writer);
    ends.push(journal.byteLength);
  }
  journal.close();
  return ends;
}

function scanAll(file: string): { records: JournalRecord[]; scan: ReturnType<typeof scanJournal> } {
  const records: JournalRecord[] = [];
  const scan = scanJournal(file, (record) => {
    records.push(record);
    return undefined;
  });
  return { records, scan };
}

describe('journal framing', () => {
  it('computes the same CRC-32 with the fallback table as zlib does', () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff));
    assert.equal(tableCrc32(Buffer.from('123456789')), 0xcbf43926);
    if (typeof zlib.crc32 === 'function') assert.equal(tableCrc32(bytes), zlib.crc32(bytes));
  });

  it('computes the same CRC-32 four bytes a step as byte by byte, for every 24-byte range and any length', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(crc32Words(new DataView(new TextEncoder().encode('12345678').buffer), 0, 8), 0x9ae0daaf, 'the CRC-32 of "12345678"');
    for (let start = 0; start + 24 <= bytes.length; start += 28) {
      assert.equal(crc32Words(view, start, start + 24), tableCrc32(bytes.subarray(start, start + 24)), `bytes ${start}..${start + 24}`);
    }
    for (const length of [0, 4, 8, 100, 4096]) assert.equal(crc32Words(view, 0, length), tableCrc32(bytes.subarray(0, length)));
  });

  it('reads back appended records in order with their sequence numbers', (t) => {
    const file = path.join(tempDir(t), 'journal');
    const ends = appendRecords(file, 7, 5);
    const { records, scan } = scanAll(file);
    assert.deepEqual(records.map((r) => r.seq), [7, 8, 9, 10, 11]);
    assert.deepEqual(records[2].statements, [{ sql: 'INSERT INTO t VALUES (?)', rows: [[9]] }]);
    assert.equal(scan.goodLength, ends[4]);
    assert.equal(scan.lastSeq, 11);
    assert.equal(scan.damage, undefined);
  });

  it('treats a missing journal as empty', (t) => {
    assert.deepEqual(scanAll(path.join(tempDir(t), 'journal')).scan, { goodLength: 0, lastSeq: undefined });
  });

  it('stops at a record cut short, at any cut, keeping the whole records before it', (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'journal');
    const ends = appendRecords(file, 1, 3);
    const whole = readFileSync(file);
    for (let cut = ends[1] + 1; cut < ends[2]; cut++) {
      writeFileSync(file, whole.subarray(0, cut));
      const { records, scan } = scanAll(file);
      assert.equal(records.length, 2, `cut at ${cut}`);
      assert.equal(scan.goodLength, ends[1]);
      assert.deepEqual(scan.damage && { offset: scan.damage.offset, length: scan.damage.length }, {
        offset: ends[1],
        length: cut - ends[1],
      });
    }
  });

  it('stops at a checksum mismatch and at a gap in the sequence', (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'journal');
    const ends = appendRecords(file, 1, 4);
    const corrupt = readFileSync(file);
    corrupt[ends[1] + frameHeaderBytes + 3] ^= 0x40;
    writeFileSync(file, corrupt);
    let { records, scan } = scanAll(file);
    assert.equal(records.length, 2);
    assert.match(scan.damage?.reason ?? '', /checksum/);
    assert.equal(scan.damage?.length, ends[3] - ends[1]);

    const gapFile = path.join(dir, 'gap');
    appendRecords(gapFile, 1, 2);
    const later = path.join(dir, 'later');
    appendRecords(later, 5, 1);
    writeFileSync(gapFile, Buffer.concat([readFileSync(gapFile), readFileSync(later)]));
    ({ records, scan } = scanAll(gapFile));
    assert.deepEqual(records.map((r) => r.seq), [1, 2]);
    assert.match(scan.damage?.reason ?? '', /record 5 follows record 2/);
  });

  it('stops where the caller rejects a record, with the caller\'s reason', (t) => {
    const file = path.join(tempDir(t), 'journal');
    const ends = appendRecords(file, 1, 3);
    const scan = scanJournal(file, (record) => (record.seq === 2 ? 'not wanted' : undefined));
    assert.deepEqual(scan, { goodLength: ends[0], lastSeq: 1, damage: { offset: ends[0], length: ends[2] - ends[0], reason: 'not wanted' } });
  });

  it('sets damage aside in a file of its own before cutting the journal back', (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'journal');
    const ends = appendRecords(file, 1, 3);
    const whole = readFileSync(file);
    const damageFile = setDamageAside(file, ends[0]);
    assert.equal(path.dirname(damageFile), dir);
    assert.match(path.basename(damageFile), /^journal\.damaged-\d{4}-\d\d-\d\dT/);
    assert.deepEqual(readFileSync(damageFile), whole.subarray(ends[0]));
    assert.equal(statSync(file).size, ends[0]);
    const second = setDamageAside(file, 0);
    assert.notEqual(second, damageFile, 'a second damage file never replaces the first');
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('journal.damaged-')).length, 2);
  });

  it('can take back the last record and be emptied, continuing the sequence', (t) => {
    const file = path.join(tempDir(t), 'journal');
    const journal = Journal.open(file, 0, 1);
    const writer = new RecordWriter(frameHeaderBytes);
    for (const value of [1, 2]) {
      writer.begin();
      writer.addRow('A', [value]);
      journal.append(writer);
    }
    const afterFirst = statSync(file).size / 2;
    journal.retractLast();
    assert.equal(statSync(file).size, afterFirst);
    assert.equal(journal.lastSeq, 1);
    journal.clear();
    assert.equal(statSync(file).size, 0);
    writer.begin();
    writer.addRow('A', [3]);
    journal.append(writer);
    journal.close();
    assert.deepEqual(scanAll(file).records.map((r) => r.seq), [2]);
  });

  it('opens an existing journal cut back to the length the recovery kept', (t) => {
    const file = path.join(tempDir(t), 'journal');
    const ends = appendRecords(file, 1, 2);
    truncateSync(file, ends[1]);
    Journal.open(file, ends[0], 2).close();
    assert.equal(statSync(file).size, ends[0]);
  });

  it('drops the records a checkpoint holds and keeps those appended since, in a file that replaces it', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'journal');
    const journal = Journal.open(file, 0, 1);
    const writer = new RecordWriter(frameHeaderBytes);
    const append = (value: number, flush = true): void => {
      writer.begin();
      writer.addRow('INSERT INTO t VALUES (?)', [value]);
      journal.append(writer, flush);
    };
    append(1);
    append(2);
    const held = journal.byteLength;
    append(3);
    append(4, false); // its group commit's flush is still to come
    const flushed = journal.flushed();
    const cut = journal.dropThrough(held);
    append(5, false); // while the cut copies, in the thread pool
    await Promise.all([cut, flushed, journal.flushed()]);
    assert.deepEqual(scanAll(file).records.map((r) => r.seq), [3, 4, 5]);
    assert.equal(journal.byteLength, statSync(file).size);
    append(6);
    journal.retractLast(); // offsets follow the cut
    append(7);
    journal.close();
    assert.deepEqual(scanAll(file).records.map((r) => [r.seq, r.statements[0].rows[0][0]]), [[3, 3], [4, 4], [5, 5], [6, 7]]);
    assert.deepEqual(readdirSync(dir), ['journal'], 'no file left beside it');
  });

  it('empties the journal when nothing was appended after the checkpoint, and removes a cut-off cut on open', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'journal');
    const ends = appendRecords(file, 1, 2);
    writeFileSync(`${file}.next`, 'left by an older RunLens killed before its rename');
    writeFileSync(`${file}.next4242-7`, 'left by a process killed before its rename');
    const journal = Journal.open(file, ends[1], 3);
    assert.deepEqual(readdirSync(dir), ['journal']);
    await journal.dropThrough(ends[1]);
    assert.equal(statSync(file).size, 0);
    assert.deepEqual(readdirSync(dir), ['journal']);
    journal.close();
  });

  for (const flushedAtOnce of [false, true]) {
    it(`keeps every acknowledged record in the file named journal at every turn of a cut (${flushedAtOnce ? 'with appends flushed at once and shared' : 'appends sharing flushes'})`, async (t) => {
      const dir = tempDir(t);
      const file = path.join(dir, 'journal');
      const journal = Journal.open(file, 0, 1);
      const writer = new RecordWriter(frameHeaderBytes);
      const payload = 'p'.repeat(4096);
      const append = (flush: boolean): number => {
        writer.begin();
        writer.addRow('INSERT INTO t VALUES (?, ?)', [journal.lastSeq + 1, payload]);
        journal.append(writer, flush);
        return journal.lastSeq;
      };
      // Records the image holds, then more than the cut copies on the event loop, so that it takes many turns.
      for (let i = 0; i < 50; i++) append(true);
      const held = journal.byteLength;
      for (let i = 0; i < 400; i++) append(false);
      await journal.flushed();
      const acknowledged = new Set<number>(Array.from({ length: 400 }, (_, i) => 51 + i));
      let ended = false;
      const cut = journal.dropThrough(held).finally(() => (ended = true));
      const seen = new Set<string>();
      const missedAtAcknowledgement: number[] = [];
      let turns = 0;
      // What a kill -9 would leave at this turn: the file named journal (an open removes the cut's file).
      const check = (): void => {
        const onDisk = new Set(scanAll(file).records.map((r) => r.seq));
        for (const seq of acknowledged) assert.ok(onDisk.has(seq), `turn ${turns}: acknowledged record ${seq} is not in the journal`);
        seen.add(readdirSync(dir).sort().join(','));
      };
      while (!ended) {
        check();
        if (flushedAtOnce && turns % 3 === 2) acknowledged.add(append(true));
        const seq = append(false);
        void journal.flushed().then(() => {
          acknowledged.add(seq);
          // Checked at once too: between this flush and the next turn the cut may move on.
          if (!scanAll(file).records.some((r) => r.seq === seq)) missedAtAcknowledgement.push(seq);
        });
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
      }
      await cut;
      await journal.flushed();
      check();
      journal.close();
      assert.deepEqual(missedAtAcknowledgement, [], 'records acknowledged before the file that holds them was the journal');
      const records = scanAll(file).records.map((r) => r.seq);
      assert.equal(records[0], 51, 'the cut dropped the records the image holds');
      assert.deepEqual(records, Array.from({ length: records.length }, (_, i) => 51 + i));
      assert.ok(turns > 2, `the cut took ${turns} turns of the event loop`);
      assert.ok([...seen].some((names) => names.includes('journal.next')), 'no check saw the cut under way');
      assert.deepEqual(readdirSync(dir), ['journal']);
    });
  }

  it('lets a cut-back or a close end a cut under way, at every turn of it, keeping every record', async (t) => {
    for (const ending of ['retract', 'close'] as const) {
      for (let turns = 0; turns < 12; turns++) {
        const dir = tempDir(t);
        const file = path.join(dir, 'journal');
        const journal = Journal.open(file, 0, 1);
        const writer = new RecordWriter(frameHeaderBytes);
        const append = (): void => {
          writer.begin();
          writer.addRow('INSERT INTO t VALUES (?, ?)', [journal.lastSeq + 1, 'q'.repeat(4096)]);
          journal.append(writer, false);
        };
        append();
        const held = journal.byteLength;
        for (let i = 0; i < 150; i++) append();
        const cut = journal.dropThrough(held);
        for (let n = 0; n < turns; n++) await new Promise((resolve) => setImmediate(resolve));
        append();
        if (ending === 'retract') journal.retractLast();
        else journal.close();
        await cut;
        if (ending === 'retract') {
          append();
          await journal.flushed();
          journal.close();
        }
        const context = `${ending} after ${turns} turns`;
        const records = scanAll(file).records.map((r) => r.seq);
        assert.equal(records[records.length - 1], 152, context);
        assert.ok(records[0] === 1 || records[0] === 2, `${context}: starts at ${records[0]}`);
        assert.deepEqual(readdirSync(dir), ['journal'], context);
      }
    }
  });
});
