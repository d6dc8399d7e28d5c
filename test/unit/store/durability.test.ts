import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, readFileSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { nextTurn } from '../../../src/core/nextTurn';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { NewerDatabaseError, NotADatabaseError } from '../../../src/core/store/storeErrors';
import { awkwardValues, newerValuesSchema, tempDir, valuesSchema } from './storeTestKit';

// No idle checkpoint, no size checkpoint: each test decides when the image is written.
const manual: OpenOptions = { migrations: valuesSchema, idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

/**
 * Opens the store. A database the test does not close is what a crashed process leaves behind:
 * never checkpointed, its journal as the last write left it.
 */
function open(dir: string, options: OpenOptions = manual): Promise<Database> {
  return Database.open({ ...options, dir });
}

function rows(db: Database): unknown[][] {
  return db.all<{ id: number; v: unknown; w: unknown }>('SELECT id, v, w FROM vals ORDER BY id').map((r) => [r.id, r.v, r.w]);
}

function insert(db: Database, id: number, v: unknown = id, w: unknown = null): void {
  db.write((tx) => tx.run('INSERT INTO vals (id, v, w) VALUES (?, ?, ?)', [id, v, w] as never));
}

function journalSize(dir: string): number {
  return statSync(path.join(dir, 'journal')).size;
}

function damageFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('journal.damaged-'));
}

describe('durable database', () => {
  it('creates runlens.db and an empty journal on first open', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    assert.equal(readFileSync(path.join(dir, 'runlens.db')).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    assert.equal(journalSize(dir), 0);
    assert.deepEqual(db.recovery, { replayedRecords: 0, damagedBytes: 0 });
  });

  it('replays acknowledged writes after a crash, every awkward value exactly as it was stored', async (t) => {
    const dir = tempDir(t);
    const first = await open(dir);
    awkwardValues.forEach((value, i) => insert(first, i, value, `row ${i}`));
    first.write((tx) =>
      tx.runMany(
        'INSERT INTO vals (id, v, w) VALUES (?, ?, ?)',
        awkwardValues.map((value, i) => [100 + i, value, new Uint8Array([i, 255 - i])]),
      ),
    );
    const before = rows(first);
    assert.ok(journalSize(dir) > 0);

    const second = await open(dir);
    assert.equal(second.recovery.replayedRecords, awkwardValues.length + 1);
    assert.equal(second.recovery.damagedBytes, 0);
    assert.deepStrictEqual(rows(second), before);
    assert.ok(Object.is(second.get<{ v: number }>('SELECT v FROM vals WHERE id = 1')?.v, Number.POSITIVE_INFINITY));
    assert.equal(second.get<{ v: number | null }>('SELECT v FROM vals WHERE id = 0')?.v, null, 'SQLite keeps NaN as NULL');
  });

  it('journals nothing for a transaction that throws, and nothing of a failed statement the caller caught', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    insert(db, 1);
    const size = journalSize(dir);
    assert.throws(
      () =>
        db.write((tx) => {
          tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [2, 'two']);
          throw new Error('changed my mind');
        }),
      /changed my mind/,
    );
    assert.equal(journalSize(dir), size);
    db.write((tx) => {
      assert.throws(() => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [1, 'duplicate']), /UNIQUE/);
      assert.throws(() => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [3, { not: 'bindable' } as never]), /cannot journal/);
      tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [4, 'four']);
    });
    const expected = rows(db);
    assert.deepEqual(expected, [[1, 1, null], [4, 'four', null]]);
    const reopened = await open(dir);
    assert.deepEqual(rows(reopened), expected);
    assert.equal(reopened.recovery.replayedRecords, 2);
  });

  it('takes the record back when the transaction fails to commit after it was journaled', async (t) => {
    const dir = tempDir(t);
    const schema = [
      {
        version: 1,
        statements: [
          'CREATE TABLE parent (id INTEGER PRIMARY KEY)',
          'CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)',
        ],
      },
    ];
    const db = await open(dir, { ...manual, migrations: schema });
    db.all('PRAGMA foreign_keys = ON');
    const size = journalSize(dir);
    assert.throws(() => db.write((tx) => tx.run('INSERT INTO child (id, parent) VALUES (1, 99)')), /FOREIGN KEY/);
    assert.equal(journalSize(dir), size);
    db.write((tx) => tx.run('INSERT INTO parent (id) VALUES (5)'));
    const reopened = await open(dir, { ...manual, migrations: schema });
    assert.deepEqual(reopened.all('SELECT id FROM child'), []);
    assert.deepEqual(reopened.all('SELECT id FROM parent'), [{ id: 5 }]);
  });

  it('rolls back when the journal cannot be written, and then refuses writes until reopened', { skip: process.platform !== 'linux' }, async (t) => {
    const dir = tempDir(t);
    (await open(dir)).close();
    unlinkSync(path.join(dir, 'journal'));
    symlinkSync('/dev/full', path.join(dir, 'journal'));
    const db = await open(dir);
    assert.throws(() => insert(db, 1), /ENOSPC/);
    assert.deepEqual(rows(db), [], 'memory agrees with the disk');
    assert.throws(() => insert(db, 2), /cannot be written since an earlier failure/);
  });

  it('refuses misuse: nested writes, async functions, a transaction kept past its write, checkpoint inside a write', async (t) => {
    const db = await open(tempDir(t));
    assert.throws(() => db.write(() => db.write(() => undefined)), /cannot be nested/);
    assert.throws(() => db.write(async () => undefined), /synchronous function/);
    let kept: Parameters<Parameters<Database['write']>[0]>[0] | undefined;
    db.write((tx) => {
      kept = tx;
    });
    assert.throws(() => kept?.run('INSERT INTO vals (id) VALUES (1)'), /after its write\(\) returned/);
    assert.throws(() => db.write(() => db.checkpoint()), /inside a write/);
    assert.deepEqual(rows(db), []);
  });

  it('checkpoints into the image and empties the journal; later writes replay on top', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    insert(db, 1, 'before');
    db.checkpoint();
    assert.equal(journalSize(dir), 0);
    assert.equal(existsSync(path.join(dir, 'runlens.db.tmp')), false);
    insert(db, 2, 'after');
    const reopened = await open(dir);
    assert.equal(reopened.recovery.replayedRecords, 1);
    assert.deepEqual(rows(reopened), [[1, 'before', null], [2, 'after', null]]);
  });

  it('shares one journal flush between concurrent group commits, each acknowledged once its writes are flushed', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    const before = db.journalFlushes;
    const acknowledged: number[] = [];
    const requests = Array.from({ length: 20 }, async (_, i) => {
      // As requests of a server: each arrives on its own turn, writes, then waits to reply.
      await new Promise((resolve) => setImmediate(resolve));
      await db.groupCommit(() => insert(db, i + 1, `request ${i}`));
      acknowledged.push(i + 1);
    });
    await Promise.all(requests);
    const flushes = db.journalFlushes - before;
    assert.equal(acknowledged.length, 20);
    assert.ok(flushes >= 1 && flushes < 20, `${flushes} flushes for 20 writes`);
    // Outside groupCommit a write flushes on its own, as always.
    insert(db, 21);
    assert.equal(db.journalFlushes - before, flushes + 1);
    const reopened = await open(dir); // as after a crash: the journal alone has the writes
    assert.equal(reopened.recovery.replayedRecords, 21);
    assert.deepEqual(rows(reopened).map((r) => r[0]), Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('flushes the writes of a group commit whose work fails before passing its error on', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    const before = db.journalFlushes;
    await assert.rejects(
      db.groupCommit(() => {
        insert(db, 1);
        throw new Error('the request fails after its first write');
      }),
      /fails after its first write/,
    );
    assert.equal(db.journalFlushes - before, 1);
    assert.deepEqual(rows(await open(dir)), [[1, 1, null]]);
  });

  it('checkpoints by itself once the journal reaches checkpointBytes, and when idle', async (t) => {
    const dir = tempDir(t);
    const sized = await open(dir, { ...manual, checkpointBytes: 600 });
    // The checkpoint runs after the write that set it off, as between a server's requests.
    for (let id = 1; id <= 20; id++) {
      insert(sized, id, 'x'.repeat(50));
      await sized.backgroundCheckpointSettled();
    }
    assert.ok(journalSize(dir) < 600, `journal is ${journalSize(dir)} bytes`);
    sized.close();

    const idle = await open(dir, { ...manual, idleCheckpointMs: 30 });
    insert(idle, 21);
    assert.ok(journalSize(dir) > 0);
    // The idle timer starts the checkpoint; its worker thread may take longer than the timer on a busy machine.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await idle.backgroundCheckpointSettled();
    assert.equal(journalSize(dir), 0);
    const reopened = await open(dir);
    assert.equal(reopened.recovery.replayedRecords, 0);
    assert.equal(rows(reopened).length, 21);
  });

  it('keeps writing when a background checkpoint fails, reports it, and loses nothing', async (t) => {
    const dir = tempDir(t);
    const errors: Error[] = [];
    const db = await open(dir, { ...manual, checkpointBytes: 300, onBackgroundError: (error) => errors.push(error) });
    // Neither checkpoint can do its work: the background one's worker cannot read the image (a
    // folder in its place), close cannot write its temporary image.
    renameSync(path.join(dir, 'runlens.db'), path.join(dir, 'image-aside'));
    mkdirSync(path.join(dir, 'runlens.db'));
    mkdirSync(path.join(dir, 'runlens.db.tmp'));
    for (let id = 1; id <= 10; id++) {
      insert(db, id, 'y'.repeat(40));
      await nextTurn();
      await db.backgroundCheckpointSettled();
    }
    assert.ok(errors.length >= 1 && errors.length < 10, `${errors.length} failures reported, retried after another checkpointBytes`);
    assert.match(errors[0].message, /EISDIR|illegal operation on a directory/);
    assert.throws(() => db.close(), /EISDIR|illegal operation on a directory/);
    rmdirSync(path.join(dir, 'runlens.db.tmp'));
    rmdirSync(path.join(dir, 'runlens.db'));
    renameSync(path.join(dir, 'image-aside'), path.join(dir, 'runlens.db'));
    const reopened = await open(dir);
    assert.equal(rows(reopened).length, 10);
  });

  it('writes a background checkpoint\'s image off the event loop, keeping the writes committed meanwhile in the journal', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    for (let id = 1; id <= 3; id++) insert(db, id);
    const checkpoint = db.checkpointInBackground();
    insert(db, 4); // while the worker thread builds, writes and flushes the image
    await nextTurn();
    insert(db, 5);
    await checkpoint;
    assert.ok(journalSize(dir) > 0, 'the writes after the export are still journaled');
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('runlens.db.') || name.startsWith('journal.')), []);
    // Reopened as a crash leaves it: the image holds 1-3, the journal exactly 4 and 5.
    const reopened = await open(dir);
    assert.equal(reopened.recovery.replayedRecords, 2);
    assert.deepEqual(rows(reopened).map(([id]) => id), [1, 2, 3, 4, 5]);
  });

  it('folds the writes committed during a size checkpoint into the image once writes pause', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir, { ...manual, checkpointBytes: 300, idleCheckpointMs: 40 });
    for (let id = 1; id <= 3; id++) insert(db, id, 'z'.repeat(100)); // sets off a size checkpoint
    await nextTurn(); // it sets its mark on this turn and builds its image in a worker thread
    insert(db, 4); // a write pushes the idle checkpoint back, so the following one is what folds it in
    await db.backgroundCheckpointSettled();
    assert.ok(journalSize(dir) > 0, 'the write during the checkpoint is kept in the journal');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.backgroundCheckpointSettled();
    assert.equal(journalSize(dir), 0);
    const reopened = await open(dir);
    assert.equal(reopened.recovery.replayedRecords, 0);
    assert.deepEqual(rows(reopened).map(([id]) => id), [1, 2, 3, 4]);
  });

  it('lets a close during a background checkpoint win, at every stage of it: the older image is never installed', async (t) => {
    for (let turns = 0; turns < 12; turns++) {
      const dir = tempDir(t);
      const db = await open(dir);
      insert(db, 1);
      insert(db, 2);
      const checkpoint = db.checkpointInBackground();
      insert(db, 3);
      for (let n = 0; n < turns; n++) await new Promise((resolve) => setTimeout(resolve, 1));
      insert(db, 4);
      db.close();
      await checkpoint;
      assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('runlens.db.') || name.startsWith('journal.')), [], `after ${turns} turns`);
      const reopened = await open(dir);
      assert.equal(reopened.recovery.replayedRecords, 0, `after ${turns} turns`);
      assert.deepEqual(rows(reopened).map(([id]) => id), [1, 2, 3, 4], `after ${turns} turns`);
      reopened.close();
    }
  });

  for (const builtIn of ['the event loop', 'a worker thread'] as const) {
    it(`opens with every acknowledged write from a copy of its folder taken at any turn of background checkpoints (image built on ${builtIn}), as a kill -9 there leaves it`, async (t) => {
      const dir = tempDir(t);
      const copies = tempDir(t, 'runlens-copies-');
      const db = await open(dir, { ...manual, workerImageBytes: builtIn === 'a worker thread' ? 0 : undefined });
      // Records large enough that the writes of a few turns are more than a cut copies on the event loop.
      const value = 'v'.repeat(48 * 1024);
      const acknowledged: number[] = [];
      let id = 0;
      while (id < 10) {
        insert(db, ++id, value);
        acknowledged.push(id);
      }
      const taken: { dir: string; acknowledged: number[]; cutUnderway: boolean }[] = [];
      for (let round = 0; round < 3; round++) {
        let done = false;
        const checkpoint = db.checkpointInBackground().finally(() => (done = true));
        while (!done) {
          const copy = path.join(copies, String(taken.length));
          cpSync(dir, copy, { recursive: true });
          taken.push({ dir: copy, acknowledged: [...acknowledged], cutUnderway: readdirSync(copy).some((name) => name.startsWith('journal.next')) });
          for (const mine of [++id, ++id]) void db.groupCommit(() => insert(db, mine, value)).then(() => acknowledged.push(mine));
          // Now and then a write flushed at once, as a write outside a request makes.
          if (taken.length % 4 === 0) {
            insert(db, ++id, value);
            acknowledged.push(id);
          }
          await nextTurn();
        }
        await checkpoint;
      }
      await db.groupCommit(() => undefined);
      db.close();
      for (const [n, copy] of taken.entries()) {
        const reopened = await open(copy.dir);
        assert.deepEqual(reopened.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }], `copy ${n}`);
        const ids = new Set(rows(reopened).map(([rowId]) => rowId as number));
        for (const acked of copy.acknowledged) assert.ok(ids.has(acked), `copy ${n}: acknowledged write ${acked} is missing`);
        reopened.abandon();
      }
      const duringCuts = taken.filter((copy) => copy.cutUnderway).length;
      assert.ok(duringCuts > 0, `none of ${taken.length} copies was taken while a cut of the journal was under way`);
      t.diagnostic(`${taken.length} copies, ${duringCuts} of them while a cut was under way`);
    });
  }

  it('replays idempotently after a crash between the rename and emptying the journal', async (t) => {
    const dir = tempDir(t);
    const journal = path.join(dir, 'journal');
    const db = await open(dir);
    insert(db, 1);
    insert(db, 2);
    const unemptied = readFileSync(journal);
    db.checkpoint();
    writeFileSync(journal, unemptied); // as if the process died right after the rename

    const reopened = await open(dir);
    assert.equal(reopened.recovery.replayedRecords, 0);
    assert.deepEqual(rows(reopened), [[1, 1, null], [2, 2, null]], 'no row applied twice');
    insert(reopened, 3);
    const again = await open(dir);
    assert.deepEqual(rows(again), [[1, 1, null], [2, 2, null], [3, 3, null]]);
    assert.equal(again.recovery.damagedBytes, 0);
  });

  it('keeps the good prefix of a torn journal, sets the torn record aside and reports it', async (t) => {
    const dir = tempDir(t);
    const journal = path.join(dir, 'journal');
    const db = await open(dir);
    insert(db, 1);
    insert(db, 2);
    const goodLength = journalSize(dir);
    insert(db, 3, 'the record that will be torn');
    const whole = readFileSync(journal);
    const cut = goodLength + Math.floor((whole.length - goodLength) / 2);
    truncateSync(journal, cut);

    const reopened = await open(dir);
    assert.deepEqual(rows(reopened), [[1, 1, null], [2, 2, null]]);
    const { recovery } = reopened;
    assert.equal(recovery.replayedRecords, 2);
    assert.equal(recovery.damagedBytes, cut - goodLength);
    assert.ok(recovery.damagedFile && existsSync(recovery.damagedFile));
    assert.deepEqual(readFileSync(recovery.damagedFile), whole.subarray(goodLength, cut));
    assert.match(recovery.message ?? '', /cut short/);
    assert.match(recovery.message ?? '', /journal\.damaged-/);
    assert.equal(journalSize(dir), goodLength);

    insert(reopened, 4);
    const again = await open(dir);
    assert.deepEqual(rows(again), [[1, 1, null], [2, 2, null], [4, 4, null]]);
    assert.equal(again.recovery.damagedBytes, 0);
    assert.equal(damageFiles(dir).length, 1);
  });

  it('stops at a record that fails its checksum and keeps every byte from there on aside', async (t) => {
    const dir = tempDir(t);
    const journal = path.join(dir, 'journal');
    const db = await open(dir);
    insert(db, 1);
    const goodLength = journalSize(dir);
    insert(db, 2, 'corrupted');
    insert(db, 3);
    const bytes = readFileSync(journal);
    bytes[goodLength + 20] ^= 0xff;
    writeFileSync(journal, bytes);

    const reopened = await open(dir);
    assert.deepEqual(rows(reopened), [[1, 1, null]]);
    assert.equal(reopened.recovery.damagedBytes, bytes.length - goodLength);
    assert.match(reopened.recovery.message ?? '', /checksum/);
    assert.deepEqual(readFileSync(reopened.recovery.damagedFile ?? ''), bytes.subarray(goodLength));
  });

  it('sets aside a journal that does not follow the image instead of applying it to the wrong data', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    insert(db, 1);
    db.checkpoint();
    insert(db, 2);
    const laterJournal = readFileSync(path.join(dir, 'journal'));
    unlinkSync(path.join(dir, 'runlens.db')); // the image is gone; the journal starts at record 3

    const reopened = await open(dir);
    assert.deepEqual(rows(reopened), []);
    assert.equal(reopened.recovery.damagedBytes, laterJournal.length);
    assert.match(reopened.recovery.message ?? '', /does not follow the database image/);
  });

  it('refuses a database from a newer RunLens and changes no file, whether the image or the journal is newer', async (t) => {
    for (const newerIn of ['image', 'journal'] as const) {
      const dir = tempDir(t);
      if (newerIn === 'image') {
        const newer = await open(dir, { ...manual, migrations: newerValuesSchema });
        insert(newer, 1);
        newer.checkpoint();
        insert(newer, 2);
      } else {
        (await open(dir)).close();
        // The newer RunLens migrated to version 2 and crashed: only its journal says so.
        insert(await open(dir, { ...manual, migrations: newerValuesSchema }), 1);
      }
      const snapshot = new Map(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name))]));
      assert.ok((snapshot.get('journal')?.length ?? 0) > 0, newerIn);
      await assert.rejects(open(dir), (error: unknown) => {
        assert.ok(NewerDatabaseError.is(error), newerIn);
        assert.match(error.message, /written by a newer RunLens \(schema version 2; this RunLens knows up to 1\)/);
        assert.match(error.message, /Nothing was changed/);
        return true;
      });
      const after = new Map(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name))]));
      assert.deepEqual(after, snapshot, `${newerIn}: every file byte-identical`);
    }
  });

  it('refuses a runlens.db that is not SQLite, naming it and saying what to do, and leaves it untouched', async (t) => {
    const cases: Record<string, Buffer> = {
      text: Buffer.from('these are my notes, not a database\n'),
      empty: Buffer.alloc(0),
      'SQLite header, garbage body': Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4080, 0xab)]),
    };
    for (const [name, content] of Object.entries(cases)) {
      const dir = tempDir(t);
      const file = path.join(dir, 'runlens.db');
      writeFileSync(file, content);
      await assert.rejects(open(dir), (error: unknown) => {
        assert.ok(NotADatabaseError.is(error), name);
        assert.ok(error.message.includes(file), `${name}: names the file`);
        assert.match(error.message, /move it aside/);
        return true;
      });
      assert.deepEqual(readFileSync(file), content, `${name}: untouched`);
      assert.deepEqual(readdirSync(dir), ['runlens.db'], `${name}: nothing else written`);
    }
  });

  it('runs the numbered migrations once, journaled like any write', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    assert.equal(db.get<{ user_version: number }>('PRAGMA user_version')?.user_version, 1);
    const upgraded = await open(dir, { ...manual, migrations: newerValuesSchema });
    assert.equal(upgraded.get<{ user_version: number }>('PRAGMA user_version')?.user_version, 2);
    assert.equal(upgraded.recovery.replayedRecords, 0);
    const afterCrash = await open(dir, { ...manual, migrations: newerValuesSchema });
    assert.equal(afterCrash.recovery.replayedRecords, 1, 'the migration to version 2 came back from the journal');
    assert.deepEqual(afterCrash.all("SELECT name FROM sqlite_master WHERE name = 'newer_table'"), [{ name: 'newer_table' }]);
  });

  it('tells listeners about committed writes that changed something', async (t) => {
    const db = await open(tempDir(t));
    let calls = 0;
    const subscription = db.onDidWrite(() => calls++);
    insert(db, 1);
    db.write((tx) => tx.all('SELECT 1'));
    assert.throws(() => db.write(() => { throw new Error('no'); }));
    assert.equal(calls, 1);
    subscription.dispose();
    insert(db, 2);
    assert.equal(calls, 1);
  });

  it('closes with a checkpoint; a closed database refuses use', async (t) => {
    const dir = tempDir(t);
    const db = await open(dir);
    insert(db, 1);
    db.close();
    db.close();
    assert.equal(journalSize(dir), 0);
    assert.throws(() => rows(db), /closed/);
    const reopened = await open(dir);
    assert.deepEqual(rows(reopened), [[1, 1, null]]);
  });

  it('works in memory without a folder', async () => {
    const db = await Database.open({ migrations: valuesSchema });
    insert(db, 1, Number.NEGATIVE_INFINITY);
    assert.deepEqual(rows(db), [[1, Number.NEGATIVE_INFINITY, null]]);
    assert.equal(db.dir, undefined);
    db.close();
  });
});
