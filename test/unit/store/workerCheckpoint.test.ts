import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { foldJournalIntoImage } from '../../../src/core/store/journalFold';
import { loadSqlJs } from '../../../src/core/store/sqlJs';
import { awkwardValues, tempDir, valuesSchema } from './storeTestKit';

// No idle checkpoint, no size checkpoint: each test decides when the image is written; every
// background checkpoint in a worker, however small the image.
const manual: OpenOptions = { migrations: valuesSchema, idleCheckpointMs: 0, checkpointBytes: 1 << 30, workerImageBytes: 0 };

function insert(db: Database, id: number, v: unknown = id, w: unknown = null): void {
  db.write((tx) => tx.run('INSERT INTO vals (id, v, w) VALUES (?, ?, ?)', [id, v, w] as never));
}

/** The rows of the image file alone, read with sql.js without replaying any journal. */
async function imageRows(dir: string): Promise<unknown[][]> {
  const SQL = await loadSqlJs();
  const image = new SQL.Database(readFileSync(path.join(dir, 'runlens.db')));
  try {
    return image.exec('SELECT id, v, w FROM vals ORDER BY id')[0]?.values ?? [];
  } finally {
    image.close();
  }
}

function liveRows(db: Database): unknown[][] {
  return db.values('SELECT id, v, w FROM vals ORDER BY id');
}

describe('checkpoints built in a worker thread', () => {
  it('write the image the database holds: inserts, updates, deletes and awkward values, exactly', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    awkwardValues.forEach((value, i) => insert(db, i + 1, value, i % 2 === 0 ? value : 'x'));
    db.write((tx) => {
      tx.run('UPDATE vals SET w = ? WHERE id % 3 = 0', ['updated']);
      tx.run('DELETE FROM vals WHERE id = 2');
    });
    // A statement that failed inside a write the caller went on with changes nothing, in memory or in the image.
    db.write((tx) => {
      assert.throws(() => tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [1, 'duplicate']));
      tx.run('INSERT INTO vals (id, v) VALUES (?, ?)', [1000, 'after the failure']);
    });
    const before = liveRows(db);
    await db.checkpointInBackground();
    assert.equal(statSync(path.join(dir, 'journal')).size, 0, 'the journal dropped every record the image holds');
    assert.deepEqual(await imageRows(dir), before);
    db.close();
  });

  it('keep the writes committed while the worker runs journaled, and the next checkpoint folds them in', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    for (let id = 1; id <= 50; id++) insert(db, id, 'a'.repeat(1000));
    const first = db.checkpointInBackground();
    for (let id = 51; id <= 60; id++) {
      insert(db, id);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await first;
    // The checkpoint set its mark before it returned to the caller: its image holds exactly the rows before.
    assert.deepEqual((await imageRows(dir)).map(([id]) => id), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.ok(statSync(path.join(dir, 'journal')).size > 0, 'the ten later writes are still journaled');
    await db.checkpointInBackground();
    assert.deepEqual(await imageRows(dir), liveRows(db));
    assert.equal(statSync(path.join(dir, 'journal')).size, 0);
    db.close();
  });

  it('refuse a mark the image and journal do not lead to, writing nothing', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    insert(db, 1);
    insert(db, 2);
    const journalBytes = statSync(path.join(dir, 'journal')).size;
    db.abandon();
    const SQL = await loadSqlJs();
    // Record 1 made the schema (the first checkpoint holds it); the two inserts are records 2 and 3.
    const mark = { journalBytes, throughSeq: 3 };
    // A mark beyond the journal's last record: the files changed under the checkpoint.
    assert.throws(() => foldJournalIntoImage(SQL, dir, { ...mark, throughSeq: 4 }, 'temp'), /lead to record 3, not to the checkpoint's mark 4/);
    // A mark inside a record: the journal was cut short under it.
    assert.throws(() => foldJournalIntoImage(SQL, dir, { ...mark, journalBytes: journalBytes - 3 }, 'temp'), /journal changed under the checkpoint/);
    assert.deepEqual(readdirSync(dir).filter((name) => name === 'temp'), []);
    // The right mark: the image it writes holds both rows and is marked with record 3.
    assert.ok(foldJournalIntoImage(SQL, dir, mark, 'temp') > 0);
    const image = new SQL.Database(readFileSync(path.join(dir, 'temp')));
    assert.deepEqual(image.exec('SELECT id FROM vals ORDER BY id')[0].values, [[1], [2]]);
    assert.deepEqual(image.exec("SELECT value FROM _runlens_meta WHERE key = 'checkpoint_seq'")[0].values, [[3]]);
    image.close();
  });

  it('make the last checkpoint of a close that can wait: the image holds everything, a write meanwhile stays journaled', async (t) => {
    const dir = tempDir(t);
    const errors: Error[] = [];
    const db = await Database.open({ ...manual, dir, onBackgroundError: (error) => errors.push(error) });
    for (let id = 1; id <= 20; id++) insert(db, id, 'b'.repeat(500));
    const expected = liveRows(db);
    const closing = db.closeInBackground();
    insert(db, 21); // while the close runs, before or after its mark: acknowledged, so it must survive
    await closing;
    assert.deepEqual(errors, []);
    assert.throws(() => liveRows(db), /closed/);
    const image = await imageRows(dir);
    assert.deepEqual(image.slice(0, 20), expected, 'the image holds what was written before the close began');
    const reopened = await Database.open({ ...manual, dir });
    // Row 21 is in the image (written before the mark) or replayed from the journal (after it).
    assert.equal(image.length + reopened.recovery.replayedRecords, 21);
    assert.equal(liveRows(reopened).length, 21);
    await reopened.closeInBackground();
    const again = await Database.open({ ...manual, dir });
    assert.equal(again.recovery.replayedRecords, 0);
    assert.equal(liveRows(again).length, 21);
    again.close();
  });

  it("are cleared away by the next open when they never finished, whichever process's they were", async (t) => {
    const dir = tempDir(t);
    (await Database.open({ ...manual, dir })).close();
    for (const name of ['runlens.db.tmp', 'runlens.db.tmp-background', 'runlens.db.tmp-background.4242.7']) {
      writeFileSync(path.join(dir, name), 'half an image');
    }
    const db = await Database.open({ ...manual, dir });
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('runlens.db.')), []);
    db.close();
  });
});
