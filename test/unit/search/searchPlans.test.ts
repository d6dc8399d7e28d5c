import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileLoggedModelSearch } from '../../../src/core/search/loggedModelSearch';
import type { SearchQuery } from '../../../src/core/search/paging';
import { compileRunSearch } from '../../../src/core/search/runSearch';
import type { Database } from '../../../src/core/store/database';
import { openDatabase } from './searchFixtures';

// The query plans SQLite gives the compiled SQL: lookups per searched row stay primary-key searches
// beside indexes another feature might add (the schema has tags_by_key_value since version 8), and the schema's index for logged-model metrics is used.

function plan(db: Database, query: SearchQuery): string {
  return db
    .all<{ detail: string }>(`EXPLAIN QUERY PLAN ${query.sql}`, query.params)
    .map((row) => row.detail)
    .join('\n');
}

describe('query plans', () => {
  test('run filters look rows up by primary key, even beside an index on (key, value)', async () => {
    const db = await openDatabase();
    db.write((tx) => {
      for (const table of ['params', 'tags', 'latest_metrics']) tx.run(`CREATE INDEX IF NOT EXISTS ${table}_by_key_value ON ${table} (key, value)`);
    });
    const shown = plan(db, compileRunSearch({ experimentIds: ['1'], filter: "params.lr = '0.01' AND tags.team = 'a' AND metrics.rmse = 1" }));
    assert.equal(shown.match(/SEARCH k USING PRIMARY KEY \(run_id=\? AND key=\?\)/g)?.length, 3, shown);
    assert.doesNotMatch(shown, /by_key_value/);
  });

  test("logged model metric filters and orders use logged_model_metrics' index", async () => {
    const db = await openDatabase();
    const shown = plan(
      db,
      compileLoggedModelSearch({ experimentIds: ['1'], filter: 'metrics.acc > 0.5', orderBy: [{ field_name: 'metrics.acc', ascending: false }] }),
    );
    assert.equal(shown.match(/USING INDEX logged_model_metrics_by_model \(model_id=\? AND metric_name=\?\)/g)?.length, 2, shown);
    assert.doesNotMatch(shown, /SCAN k/);
  });
});
