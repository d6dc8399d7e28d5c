import type { Page, SearchQuery } from '../search/paging';
import type { Param, Reader } from './databaseApi';

/** How an executor reads a searchable entity: the key a selected row holds, and whole entities for a page of keys. */
export interface SearchRows<Key, Item> {
  /** The key of one row of the compiled query (its key columns, in order). */
  key(row: readonly Param[]): Key;
  /** The entities of these keys, in their order (a key whose row has gone since is left out). */
  read(db: Reader, keys: readonly Key[]): Item[];
}

/** The first key column as the key: an entity with a one-column key. */
export function firstColumn<Key extends string | number>(row: readonly Param[]): Key {
  return row[0] as Key;
}

/**
 * Runs a search compiled in src/core/search: its keys for one page plus one row, then that page's
 * entities, in order, and the next page's token when more follow.
 */
export function executeSearch<Key, Item>(db: Reader, query: SearchQuery, rows: SearchRows<Key, Item>): Page<Item> {
  const page = query.page(db.values(query.sql, query.params).map(rows.key));
  const items = rows.read(db, page.items);
  return page.nextPageToken === undefined ? { items } : { items, nextPageToken: page.nextPageToken };
}
