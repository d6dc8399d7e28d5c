import type { Database as SqlJsDatabase, SqlJsStatic } from 'sql.js';
import { nextTurn } from '../nextTurn';
import { openSqlJsDatabase } from './connection';

/** Rows copied per statement: a few milliseconds of work. */
const rowsPerStatement = 2000;
/** Work per turn of the event loop, well under the 50 ms a synchronous step may take. */
const sliceMs = 20;
/** The fresh database as the source's connection sees it while copying. */
const copyName = 'runlens_compacted';

/**
 * The same database without its free pages, built beside `source` in slices with turns of the
 * event loop between them: what VACUUM gives, without holding the loop for a pass over the whole
 * image. A fresh sql.js database gets the source's schema (the same `CREATE` text, in the same
 * order) and `user_version`; the source's connection attaches it and copies each table's rows in
 * key order (rowid, or the primary key of a WITHOUT ROWID table), a bounded number per statement,
 * by SQL alone, so every value and rowid is copied exactly. Triggers come last, so that the copy
 * does not fire them.
 *
 * The copy reads `source` across turns: `isStale` is asked after each turn, and when the source
 * changed meanwhile (a write) the copy is dropped and undefined returned. The caller must keep the
 * source's connection open throughout (sql.js's export closes and reopens it, which would detach
 * the copy).
 */
export async function copyWithoutFreePages(SQL: SqlJsStatic, source: SqlJsDatabase, isStale: () => boolean): Promise<SqlJsDatabase | undefined> {
  const fresh = openSqlJsDatabase(SQL);
  let attached = false;
  try {
    const schema = source.exec(
      "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    )[0]?.values as [string, string, string][] | undefined;
    const entries = schema ?? [];
    // One transaction (one write of the new schema's pages, not one per statement), in slices:
    // a large schema takes a while to parse, and nothing else uses the fresh database meanwhile.
    fresh.exec('BEGIN');
    let sliceStart = performance.now();
    for (const [type, , sql] of entries) {
      if (type !== 'trigger') fresh.exec(sql);
      if (performance.now() - sliceStart < sliceMs) continue;
      await nextTurn();
      if (isStale()) return dropped(fresh, source, attached);
      sliceStart = performance.now();
    }
    fresh.exec(`PRAGMA user_version = ${Number(source.exec('PRAGMA user_version')[0].values[0][0])}`);
    fresh.exec('COMMIT');
    await nextTurn();
    if (isStale()) return dropped(fresh, source, attached);
    // Attaching parses the copy's schema once more: a turn of its own.
    source.run(`ATTACH DATABASE ? AS ${copyName}`, [fileNameOf(fresh)]);
    attached = true;
    source.exec(`PRAGMA ${copyName}.journal_mode = MEMORY`);
    await nextTurn();
    if (isStale()) return dropped(fresh, source, attached);
    const tables = entries.filter(([type]) => type === 'table').map(([, name]) => name);
    if (source.exec("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").length > 0) {
      // AUTOINCREMENT's counters: the copy's own were set by the rows copied; the source's are the truth.
      source.run(`DELETE FROM ${copyName}.sqlite_sequence`);
      tables.push('sqlite_sequence');
    }
    const withoutRowid = new Set(
      (source.exec("SELECT name FROM pragma_table_list WHERE schema = 'main' AND wr = 1")[0]?.values ?? []).map(([name]) => String(name)),
    );
    sliceStart = performance.now();
    for (const table of tables) {
      const copy = tableCopy(source, table, withoutRowid.has(table));
      for (let more = true; more; ) {
        more = copy();
        if (performance.now() - sliceStart < sliceMs) continue;
        await nextTurn();
        if (isStale()) return dropped(fresh, source, attached);
        sliceStart = performance.now();
      }
    }
    source.run(`DETACH DATABASE ${copyName}`);
    attached = false;
    for (const [type, , sql] of entries) if (type === 'trigger') fresh.exec(sql);
    return fresh;
  } catch (error) {
    dropped(fresh, source, attached);
    throw error;
  }
}

/**
 * A function that copies the next rows of `table` into the copy, in key order after the last key
 * the copy holds, and says whether there may be more. The keys are read by SQL from the copy
 * itself, never through JavaScript, so no key (a 64-bit rowid, a blob) is rounded on the way.
 */
function tableCopy(source: SqlJsDatabase, table: string, withoutRowid: boolean): () => boolean {
  const name = quoteName(table);
  const columnInfo = source.exec('SELECT name, pk FROM pragma_table_info(?, ?) ORDER BY cid', [table, 'main'])[0]?.values as [string, number][];
  const columns = columnInfo.map(([column]) => quoteName(column));
  const keyColumns = withoutRowid
    ? columnInfo.filter(([, pk]) => pk > 0).sort((a, b) => a[1] - b[1]).map(([column]) => quoteName(column))
    : ['rowid'];
  const copied = withoutRowid ? columns : ['rowid', ...columns];
  const key = keyColumns.join(', ');
  const lastKey = `SELECT ${key} FROM ${copyName}.${name} ORDER BY ${keyColumns.map((c) => `${c} DESC`).join(', ')} LIMIT 1`;
  const insert = `INSERT INTO ${copyName}.${name} (${copied.join(', ')}) SELECT ${copied.join(', ')} FROM main.${name}`;
  const order = `ORDER BY ${key} LIMIT ${rowsPerStatement}`;
  const first = `${insert} ${order}`;
  const next = `${insert} WHERE (${key}) > (${lastKey}) ${order}`;
  let started = false;
  return () => {
    source.run(started ? next : first);
    started = true;
    return source.getRowsModified() === rowsPerStatement;
  };
}

function dropped(fresh: SqlJsDatabase, source: SqlJsDatabase, attached: boolean): undefined {
  if (attached) {
    try {
      source.run(`DETACH DATABASE ${copyName}`);
    } catch {
      // The source's connection was closed and reopened (an export: the copy is detached already),
      // or a write's transaction is open (no DETACH then): the next checkpoint's export detaches it.
    }
  }
  fresh.close();
  return undefined;
}

/** The name of a sql.js database's file in sql.js's in-memory file system, which ATTACH opens. */
function fileNameOf(db: SqlJsDatabase): string {
  const file = (db as unknown as { filename?: unknown }).filename;
  if (typeof file !== 'string') throw new Error('this sql.js does not name its database file: the image cannot be compacted in slices');
  return file;
}

/** A table or column name from the schema, as an SQL identifier. */
function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
