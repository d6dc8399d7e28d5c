import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { compileSearch } from '../../../src/core/search/compileSearch';
import { columnField, type FilterCatalog } from '../../../src/core/search/filterFields';
import { columnTerm } from '../../../src/core/search/orderTerms';
import { attributeOrder, orderByClauses, type SearchEntity } from '../../../src/core/search/searchEntity';
import type { Database } from '../../../src/core/store/database';
import { executeSearch, firstColumn, type SearchRows } from '../../../src/core/store/executeSearch';
import { catchError, openDatabase } from './searchFixtures';

// A searchable entity that exists only here, described the way src/core/search describes each
// real one: the pipeline must serve it without any code of its own.
interface NoteSearchRequest {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

const catalog: FilterCatalog = {
  subject: 'notes',
  attributes: {
    name: columnField("attribute 'name'", 'string', 'experiments.name'),
    created: columnField("attribute 'created'", 'number', 'experiments.creation_time'),
  },
  attributeNames: ['name', 'created'],
  keyed: {},
};

function noteEntity(tokenWhenFull = false): SearchEntity<NoteSearchRequest> {
  return {
    table: 'experiments',
    keyColumns: 'experiments.experiment_id',
    limits: { defaultValue: 2, max: 3, maxCheckedBy: 'store' },
    fieldExample: 'name or created',
    catalog,
    order: orderByClauses({
      fieldExample: 'name or created',
      defaults: ['created DESC'],
      term: attributeOrder({ name: { id: 'name', column: 'experiments.name' }, created: { id: 'created', column: 'experiments.creation_time' } }),
      refuseDuplicates: true,
    }),
    tieBreakers: [columnTerm('id', 'experiments.experiment_id', true)],
    tokenWhenFull,
  };
}

const noteNames: SearchRows<number, string> = {
  key: firstColumn,
  read: (db, ids) => ids.map((id) => db.get<{ name: string }>('SELECT name FROM experiments WHERE experiment_id = ?', [id])?.name ?? '?'),
};

function search(db: Database, request: NoteSearchRequest, tokenWhenFull = false): { items: string[]; nextPageToken?: string } {
  return executeSearch(db, compileSearch(noteEntity(tokenWhenFull), request), noteNames);
}

/** Every page, following the tokens, as one list. */
function allPages(db: Database, request: NoteSearchRequest, tokenWhenFull = false): string[][] {
  const pages: string[][] = [];
  let pageToken: string | undefined;
  do {
    const page = search(db, { ...request, pageToken }, tokenWhenFull);
    pages.push(page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined && pages.length < 10);
  return pages;
}

describe('compileSearch and executeSearch serve an entity from its description alone', () => {
  let db: Database;
  before(async () => {
    db = await openDatabase();
    db.write((tx) =>
      tx.runMany(
        'INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?)',
        [
          [1, 'alpha', 'a', 100, 100],
          [2, 'beta', 'a', 300, 300],
          [3, 'gamma', 'a', 200, 200],
          [4, 'delta', 'a', 200, 200],
          [5, "x'; DROP TABLE experiments; --", 'a', 50, 50],
        ],
      ),
    );
  });

  test('pages through the default order, ties broken by the tie-breaker, a token only while more follow', () => {
    assert.deepEqual(allPages(db, {}), [['beta', 'gamma'], ['delta', 'alpha'], ["x'; DROP TABLE experiments; --"]]);
  });

  test('the filter and the order apply on every page', () => {
    assert.deepEqual(allPages(db, { filter: "name LIKE '%a%'", orderBy: ['name ASC'], maxResults: 3 }), [['alpha', 'beta', 'delta'], ['gamma']]);
  });

  test('a tie-breaker the request orders on itself is not added again', () => {
    const entity: SearchEntity<NoteSearchRequest> = {
      ...noteEntity(),
      order: orderByClauses({ fieldExample: 'created', term: attributeOrder({ id: { id: 'id', column: 'experiments.experiment_id' } }), refuseDuplicates: true }),
    };
    const query = compileSearch(entity, { orderBy: ['id DESC'] });
    assert.deepEqual(executeSearch(db, query, noteNames).items, ["x'; DROP TABLE experiments; --", 'delta']);
    assert.equal(query.sql.match(/experiments\.experiment_id (ASC|DESC)/g)?.length, 1);
  });

  test('with tokenWhenFull a full last page still has a token, and the page it fetches is empty without one', () => {
    const pages = allPages(db, { filter: "name IN ('alpha', 'beta')" }, true);
    assert.deepEqual(pages, [['beta', 'alpha'], []]);
    assert.deepEqual(allPages(db, { filter: "name IN ('alpha', 'beta')" }), [['beta', 'alpha']]);
  });

  test('request values reach SQL only as bound parameters', () => {
    const name = "x'; DROP TABLE experiments; --";
    const query = compileSearch(noteEntity(), { filter: `name = "${name}"` });
    assert.ok(!query.sql.includes('DROP'), query.sql);
    assert.ok(query.params.includes(name));
    assert.deepEqual(executeSearch(db, query, noteNames).items, [name]);
    assert.equal(search(db, { maxResults: 3 }).items.length, 3);
  });

  test('a request with several faults is refused for the first: max_results, page token, filter, order', () => {
    const bad = { maxResults: 4, pageToken: 'not a token', filter: 'size > 3', orderBy: ['size'] };
    assert.match(catchError(() => search(db, bad)).message, /max_results.*at most 3/);
    assert.match(catchError(() => search(db, { ...bad, maxResults: 1 })).message, /Invalid page token/);
    assert.match(catchError(() => search(db, { ...bad, maxResults: 1, pageToken: undefined })).message, /size/);
    assert.match(catchError(() => search(db, { orderBy: ['size'] })).message, /notes can be ordered by name, created; not by 'size'/);
  });
});
