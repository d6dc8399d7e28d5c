import type { Database as SqlJsDatabase } from 'sql.js';

/**
 * The sequence number of the last journal record a database image contains, kept in the image
 * itself. Replay skips records at or below it, which makes it safe to replay a journal that a
 * checkpoint had already folded into the image but not yet emptied (a crash between the rename
 * and the truncate). The table lives outside the numbered migrations: it belongs to persistence,
 * not to the tracking schema.
 */
const createTable =
  'CREATE TABLE IF NOT EXISTS _runlens_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID';
const checkpointKey = 'checkpoint_seq';

export function readCheckpointSeq(db: SqlJsDatabase): number {
  const exists = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_runlens_meta'");
  if (exists.length === 0) return 0;
  const result = db.exec('SELECT value FROM _runlens_meta WHERE key = ?', [checkpointKey]);
  return result.length === 0 ? 0 : Number(result[0].values[0][0]);
}

export function ensureCheckpointTable(db: SqlJsDatabase): void {
  db.run(createTable);
}

export function writeCheckpointSeq(db: SqlJsDatabase, seq: number): void {
  db.run('INSERT OR REPLACE INTO _runlens_meta (key, value) VALUES (?, ?)', [checkpointKey, seq]);
}
