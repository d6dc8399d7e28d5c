import type { Param, Reader, WriteTransaction } from '../databaseApi';

/** Splits a list for `IN (...)` clauses, far below SQLite's bound-parameter limit. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

export function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(', ');
}

/** `tx.runMany`, skipped when there is nothing to write (no statement, no journal record). */
export function runEach(tx: WriteTransaction, sql: string, rows: readonly (readonly Param[])[]): void {
  if (rows.length > 0) tx.runMany(sql, rows);
}

/** `{ nextPageToken }` only when there is a next page, so replies leave the field out otherwise. */
export function nextPage(token: string | undefined): { nextPageToken?: string } {
  return token === undefined ? {} : { nextPageToken: token };
}

/**
 * Whole rows for ids that a search returned in order (searches select only the id), in that order:
 * `SELECT * FROM <table> WHERE <idColumn> IN (...)` per 500 ids.
 */
export function rowsInOrder<R extends object, Id extends string | number>(
  db: Reader,
  table: string,
  idColumn: string,
  ids: readonly Id[],
  idOf: (row: R) => Id,
): R[] {
  const byId = new Map<Id, R>();
  for (const part of chunks(ids)) {
    for (const row of db.all<R>(`SELECT * FROM ${table} WHERE ${idColumn} IN (${placeholders(part.length)})`, part)) {
      byId.set(idOf(row), row);
    }
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}
