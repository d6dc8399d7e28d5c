import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions, Param } from '../../../src/core/store/databaseApi';
import { tempDir } from './storeTestKit';

const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

/**
 * Everything VACUUM must keep: the schema's text, the version, and every row with its rowid (but
 * `_runlens_meta`, where each checkpoint writes its own mark).
 */
function content(db: Database): unknown {
  const tables = db.values("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_runlens_meta' ORDER BY name").map(([name]) => String(name));
  const withoutRowid = new Set(db.values("SELECT name FROM pragma_table_list WHERE schema = 'main' AND wr = 1").map(([name]) => String(name)));
  return {
    schema: db.all("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name"),
    version: db.get('PRAGMA user_version'),
    rows: tables.map((table) => {
      // quote() shows the types too: a copy that turned an integer into a real, or a blob into text, would differ.
      const columns = db.values('SELECT name FROM pragma_table_info(?)', [table]).map(([name]) => `quote("${String(name)}")`);
      if (!withoutRowid.has(table)) columns.unshift('rowid');
      return [table, db.values(`SELECT ${columns.join(', ')} FROM "${table}" ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`)];
    }),
  };
}

/** A store of many runs and a large `metrics` table, most of which is then deleted (as the history move does). */
function fillAndDeleteMost(db: Database, runs: number): void {
  db.write((tx) => {
    tx.run(`INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (0, 'Default', 'x', 0, 0)`);
    for (let r = 0; r < runs; r++) {
      const runId = r.toString(16).padStart(32, '0');
      tx.run(`INSERT INTO runs (run_id, experiment_id, status, start_time, artifact_uri) VALUES (?, 0, 'FINISHED', ?, 'x')`, [runId, 2 ** 53 - r]);
      const params: Param[][] = [];
      for (let k = 0; k < 20; k++) params.push([runId, `param "${k}"`, `value ${r * k}`]);
      tx.runMany('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)', params);
      tx.run('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)', [runId, 'note', 'é\u0000 ünïcode']);
      const points: Param[][] = [];
      for (let i = 0; i < 100; i++) points.push([runId, 'loss', i % 7 === 0 ? null : i / 3, i % 7 === 0 ? 1 : 0, 1000 + i, i]);
      tx.runMany('INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)', points);
    }
  });
  // Keep every tenth point: rowids with gaps, as after the move.
  db.write((tx) => tx.run('DELETE FROM metrics WHERE rowid % 10 != 0'));
}

describe('compacting the image in slices', () => {
  it('keeps the schema, the version and every row exactly as VACUUM would, gives the free pages back, and holds the loop only briefly', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    let vacuumed: unknown;
    try {
      fillAndDeleteMost(db, 2000);
      const before = content(db);
      assert.ok(Number(db.get<{ n: number }>('SELECT freelist_count AS n FROM pragma_freelist_count')?.n) > 1000, 'the delete left free pages');

      let longest = 0;
      let turns = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        turns++;
        longest = Math.max(longest, performance.now() - last);
        last = performance.now();
      }, 1);
      let compacted: boolean;
      const started = performance.now();
      try {
        compacted = await db.compact();
      } finally {
        clearInterval(ticker);
      }
      const elapsed = performance.now() - started;
      assert.equal(compacted, true);
      assert.deepEqual(content(db), before);
      assert.equal(db.get<{ n: number }>('SELECT freelist_count AS n FROM pragma_freelist_count')?.n, 0);
      // In slices of about 20 ms of wall time: the loop turned after each (at least once per 100 ms
      // however fast or loaded the machine). The bound on the longest turn is loose (a machine under
      // load); a VACUUM's turn grows with the image, the slices' do not.
      const expected = Math.max(1, Math.floor(elapsed / 100));
      assert.ok(turns >= expected, `the loop turned ${turns} times in the compaction's ${elapsed.toFixed(0)} ms (at least ${expected})`);
      assert.ok(longest < 400, `the longest turn took ${longest.toFixed(0)} ms`);

      // The store goes on as usual: writes, then reopen from the compacted image and the journal.
      db.write((tx) => tx.run('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)', ['0'.repeat(32), 'after', 'compaction']));
      vacuumed = content(db);
    } finally {
      db.close();
    }
    const reopened = await Database.open({ ...manual, dir });
    try {
      assert.deepEqual(content(reopened), vacuumed);
      assert.equal(reopened.get<{ n: number }>('SELECT freelist_count AS n FROM pragma_freelist_count')?.n, 0, 'the image on disk has no free pages');
      const plain = await Database.open({ ...manual, dir: tempDir(t) });
      try {
        fillAndDeleteMost(plain, 2000);
        plain.write((tx) => tx.run('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)', ['0'.repeat(32), 'after', 'compaction']));
        plain.values('VACUUM');
        assert.deepEqual(content(plain), vacuumed, 'what VACUUM makes of the same store');
      } finally {
        plain.close();
      }
    } finally {
      reopened.close();
    }
  });

  it('drops the copy when a write comes between its slices, and loses nothing', async (t) => {
    const dir = tempDir(t);
    const db = await Database.open({ ...manual, dir });
    try {
      fillAndDeleteMost(db, 2000);
      const compacting = db.compact();
      // The compaction's first slices run now; this write comes on a later turn.
      await new Promise((resolve) => setImmediate(resolve));
      db.write((tx) => tx.run('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)', ['0'.repeat(32), 'during', 'compaction']));
      assert.equal(await compacting, false);
      assert.ok(Number(db.get<{ n: number }>('SELECT freelist_count AS n FROM pragma_freelist_count')?.n) > 1000, 'the image is as it was');
      assert.deepEqual(db.get("SELECT value FROM tags WHERE key = 'during'"), { value: 'compaction' });
      assert.equal(await db.compact(), true, 'a later compaction succeeds');
      assert.deepEqual(db.get("SELECT value FROM tags WHERE key = 'during'"), { value: 'compaction' });
    } finally {
      db.close();
    }
    const reopened = await Database.open({ ...manual, dir });
    try {
      assert.deepEqual(reopened.get("SELECT value FROM tags WHERE key = 'during'"), { value: 'compaction' });
      assert.equal(reopened.get<{ n: number }>('SELECT count(*) AS n FROM params')?.n, 2000 * 20);
    } finally {
      reopened.close();
    }
  });
});
