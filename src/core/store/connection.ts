import type { Database as SqlJsDatabase, SqlJsStatic } from 'sql.js';
import { sqlRegexp } from '../search/regexPattern';

/**
 * A sql.js database, from an image or new, set up for how RunLens uses it. Its file lives in
 * sql.js's in-memory file system and dies with the process, so SQLite's rollback journal may as
 * well live in memory too: that halves the cost of a small transaction. Durability is the job of
 * RunLens's own journal (journal.ts). `regexp()` is what RLIKE filters compile to (`x REGEXP ?`).
 */
export function openSqlJsDatabase(SQL: SqlJsStatic, image?: Uint8Array): SqlJsDatabase {
  const db = new SQL.Database(image);
  try {
    db.exec('PRAGMA journal_mode = MEMORY');
    db.create_function('regexp', sqlRegexp);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
