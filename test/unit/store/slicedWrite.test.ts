import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions, WriteTransaction } from '../../../src/core/store/databaseApi';
import { tempDir, valuesSchema } from './storeTestKit';

// Database.writeInSlices: one transaction run across many turns of the event loop, all or nothing,
// and never mixed with a write from elsewhere.

const manual: OpenOptions = { migrations: valuesSchema, idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

function ids(db: Database): number[] {
  return db.values('SELECT id FROM vals ORDER BY id').map((row) => Number(row[0]));
}

/** Inserts ids from..to-1, one per step; counts how many times it was started. */
function inserting(from: number, to: number, starts = { count: 0 }) {
  return function* (tx: WriteTransaction): Generator<void, number, void> {
    starts.count += 1;
    for (let id = from; id < to; id++) {
      tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [id, `long ${id}`]);
      yield;
    }
    return to - from;
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Turns of the event loop while `promise` is pending. */
async function turnsDuring<T>(promise: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let pending = true;
  const tick = (): void => {
    turns += 1;
    if (pending) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { value: await promise, turns };
  } finally {
    pending = false;
  }
}

describe('Database.writeInSlices', () => {
  it('lets the event loop run between slices, then commits everything as one journaled record', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    const journalBefore = statSync(path.join(dir, 'journal')).size;
    const { value, turns } = await turnsDuring(db.writeInSlices(inserting(0, 200), { sliceMs: 0 }));
    assert.equal(value, 200);
    assert.ok(turns >= 100, `the event loop ran ${turns} times during the write`);
    assert.deepEqual(ids(db), range(0, 200));

    // Not closed: reopening replays the journal, as after a crash.
    const reopened = await Database.open({ ...manual, dir });
    assert.equal(reopened.recovery.replayedRecords, 1, 'one record for the whole long write');
    assert.ok(statSync(path.join(dir, 'journal')).size > journalBefore);
    assert.deepEqual(ids(reopened), range(0, 200));
  });

  it('tells onDidWrite once, after the commit', async () => {
    const db = await Database.open({ migrations: valuesSchema });
    const seen: number[][] = [];
    db.onDidWrite(() => seen.push(ids(db)));
    await db.writeInSlices(inserting(0, 50), { sliceMs: 0 });
    assert.deepEqual(seen, [range(0, 50)]);
  });

  it('an abort between slices rolls everything back and journals nothing', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    db.write((tx) => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [-1, 'before']));
    const journal = statSync(path.join(dir, 'journal')).size;
    const controller = new AbortController();
    const write = db.writeInSlices(inserting(0, 10_000), { sliceMs: 0, signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(write, (error: Error) => error.name === 'AbortError');
    assert.deepEqual(ids(db), [-1]);
    assert.equal(statSync(path.join(dir, 'journal')).size, journal);
    // The database takes writes again.
    db.write((tx) => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [-2, 'after']));
    assert.deepEqual(ids(db), [-2, -1]);
  });

  it('a step that throws rolls everything back', async () => {
    const db = await Database.open({ migrations: valuesSchema });
    function* failing(tx: WriteTransaction): Generator<void, void, void> {
      yield* inserting(0, 20)(tx);
      tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [5, 'duplicate id']);
    }
    await assert.rejects(db.writeInSlices(failing, { sliceMs: 0 }), /UNIQUE constraint failed/);
    assert.deepEqual(ids(db), []);
  });

  it('a write from elsewhere between slices is committed on its own; the long write starts over and still commits whole', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    const starts = { count: 0 };
    let restarts = 0;
    const long = db.writeInSlices(inserting(0, 300, starts), { sliceMs: 0, onRestart: () => (restarts += 1) });
    // Once the long write has some rows in its open transaction, another writer comes along.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(ids(db).length > 0, 'the long write is under way');
    db.write((tx) => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [1000, 'from a script']));
    assert.deepEqual(ids(db), [1000], 'the long write was rolled back before the other write ran');
    await long;
    assert.equal(restarts, 1);
    assert.equal(starts.count, 2, 'the long write ran again from its first step');
    assert.deepEqual(ids(db), [...range(0, 300), 1000]);

    // Closing abandons a long write; the acknowledged writes survive a reopen.
    const abandoned = db.writeInSlices(inserting(2000, 5000), { sliceMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    db.close();
    await assert.rejects(abandoned, /closed/);
    const reopened = await Database.open({ ...manual, dir });
    assert.deepEqual(ids(reopened), [...range(0, 300), 1000]);
  });

  it('after maxRestarts start-overs, the rest runs in one go', async () => {
    const db = await Database.open({ migrations: valuesSchema });
    const starts = { count: 0 };
    let other = 0;
    // Another writer on every turn of the event loop, as a script logging without pause.
    let writing = true;
    const interfere = (): void => {
      if (!writing) return;
      db.write((tx) => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [10_000 + other++, 'script']));
      setImmediate(interfere);
    };
    setImmediate(interfere);
    await db.writeInSlices(inserting(0, 100, starts), { sliceMs: 0, maxRestarts: 2 });
    writing = false;
    assert.equal(starts.count, 3, 'started, restarted twice, then run in one go');
    assert.deepEqual(ids(db).filter((id) => id < 10_000), range(0, 100));
    assert.ok(other >= 2);
  });

  it('longWriteSettled waits for the commit; a second long write waits for the first', async () => {
    const db = await Database.open({ migrations: valuesSchema });
    await db.longWriteSettled();
    const secondStarts = { count: 0 };
    const first = db.writeInSlices(inserting(0, 100), { sliceMs: 0 });
    const second = db.writeInSlices(inserting(100, 200, secondStarts), { sliceMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(secondStarts.count, 0, 'the second has not started while the first is open');
    await db.longWriteSettled();
    assert.deepEqual(
      ids(db).filter((id) => id < 100),
      range(0, 100),
      'settled once the first long write was whole',
    );
    assert.deepEqual(await Promise.all([first, second]), [100, 100]);
    assert.equal(secondStarts.count, 1);
    assert.deepEqual(ids(db), range(0, 200));
  });

  it('a reader that awaits longWriteSettled reads only committed rows, even with another long write queued', async () => {
    const db = await Database.open({ migrations: valuesSchema });
    /** Reads as the extension's views do: a few promise hops (async helpers) after the wait, then synchronously. */
    const reader = async (): Promise<number[]> => {
      await db.longWriteSettled();
      for (let hop = 0; hop < 3; hop++) await Promise.resolve();
      return ids(db);
    };
    const first = db.writeInSlices(inserting(0, 100), { sliceMs: 0 });
    const second = db.writeInSlices(inserting(100, 200), { sliceMs: 0 });
    const seen = await reader();
    assert.deepEqual(seen, range(0, 100), 'the first import whole, none of the second');
    assert.deepEqual(await Promise.all([first, second]), [100, 100]);
  });

  it('a reader waiting while an in-process write restarts the long write sees that write and none of the import', async () => {
    const db = await Database.open({ migrations: valuesSchema });
    const long = db.writeInSlices(inserting(0, 100), { sliceMs: 0 });
    const read = (async () => {
      await db.longWriteSettled();
      return ids(db);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    db.write((tx) => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [5000, 'in-process']));
    assert.deepEqual(await read, [5000]);
    await long;
    assert.deepEqual(ids(db), [...range(0, 100), 5000]);
  });

  it('a checkpoint waits until no long write is open', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    const long = db.writeInSlices(inserting(0, 100), { sliceMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.throws(() => db.checkpoint(), /cannot run inside a write/);
    await long;
    db.checkpoint();
    assert.equal(statSync(path.join(dir, 'journal')).size, 0);
  });
});
