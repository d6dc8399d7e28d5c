import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { compileDatasetSearch } from '../../../src/core/search/datasetSearch';
import { compileExperimentSearch } from '../../../src/core/search/experimentSearch';
import { compileModelVersionSearch } from '../../../src/core/search/modelVersionSearch';
import { compileRegisteredModelSearch } from '../../../src/core/search/registeredModelSearch';
import { compileRunSearch } from '../../../src/core/search/runSearch';
import type { SearchQuery } from '../../../src/core/search/paging';
import type { Database } from '../../../src/core/store/database';
import { column, countRows, execute, insertRuns, openDatabase } from './searchFixtures';

const drop = "'; DROP TABLE runs; --";
const alwaysTrue = '") OR 1=1 --';

let db: Database;

before(async () => {
  db = await openDatabase();
  insertRuns(db, [
    { runId: 'plain', params: { lr: '0.01' }, tags: { team: 'a' }, metrics: { rmse: 1 } },
    // Experiment 2 holds the payloads as data: the same filters must find them as ordinary text.
    { runId: 'payload', experimentId: 2, params: { [alwaysTrue]: drop }, tags: { [drop]: alwaysTrue } },
  ]);
  db.write((tx) => {
    tx.run("INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (1, 'one', '', 1, 1)");
    tx.run("INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES ('model', 1, 1)");
    tx.run("INSERT INTO model_versions (name, version, creation_time, last_updated_time, run_id) VALUES ('model', 1, 1, 1, 'plain')");
  });
});

/** Filters whose keys and values are SQL meant to break out of a string or a subquery. */
const hostileFilters = [
  `params.lr = '${drop.replace(/'/g, "''")}'`,
  `params.lr = "${drop}"`,
  `params.lr = '${alwaysTrue}'`,
  `params.\`${alwaysTrue}\` = 'x'`,
  `tags."${drop.replace(/"/g, '""')}" = 'x'`,
  `tags.team LIKE '${alwaysTrue}%' OR tags.team IN ('${drop.replace(/'/g, "''")}')`,
  `run_id IN ('${drop.replace(/'/g, "''")}', '${alwaysTrue}')`,
  `params.\`lr' OR '1'='1\` = 'x'`,
];

function assertInert(query: SearchQuery): void {
  for (const fragment of ['DROP', '1=1', '--']) assert.ok(!query.sql.includes(fragment), `the SQL holds ${fragment}: ${query.sql}`);
}

describe('hostile filters stay data', () => {
  for (const filter of hostileFilters) {
    test(filter, () => {
      const query = compileRunSearch({ experimentIds: ['1'], filter });
      assertInert(query);
      assert.deepEqual(column(execute(db, query), 'run_id'), []);
      assert.equal(countRows(db, 'runs'), 2);
    });
  }

  test('the same payloads, stored as keys and values, are found as plain text', () => {
    const byValue = compileRunSearch({ experimentIds: ['2'], filter: `params.\`${alwaysTrue}\` = '${drop.replace(/'/g, "''")}'` });
    assertInert(byValue);
    assert.deepEqual(column(execute(db, byValue), 'run_id'), ['payload']);
    const byKey = compileRunSearch({ experimentIds: ['2'], filter: `tags."${drop}" LIKE '%OR 1=1%'` });
    assert.deepEqual(column(execute(db, byKey), 'run_id'), ['payload']);
  });

  test('hostile order_by keys and experiment ids', () => {
    const query = compileRunSearch({
      experimentIds: [`1) OR 1=1 --`, '2'],
      orderBy: [`params.\`${alwaysTrue}\` DESC`, `tags."${drop}"`],
    });
    assertInert(query);
    assert.deepEqual(column(execute(db, query), 'run_id'), ['payload']);
    assert.equal(countRows(db, 'runs'), 2);
  });

  test('experiments, evaluation datasets and registry searches', () => {
    const queries = [
      compileExperimentSearch({ filter: `name = '${drop.replace(/'/g, "''")}' OR tags.\`${alwaysTrue}\` = 'x'` }),
      compileRegisteredModelSearch({ filter: `name LIKE '${alwaysTrue}' OR tags."${drop}" = 'x'` }),
      compileModelVersionSearch({ filter: `run_id IN ('${alwaysTrue}') OR source = '${drop.replace(/'/g, "''")}'` }),
      compileDatasetSearch({ experimentIds: [alwaysTrue, '1'], filter: `name = '${drop.replace(/'/g, "''")}' OR tags.\`${alwaysTrue}\` = 'x'` }),
    ];
    for (const query of queries) {
      assertInert(query);
      assert.deepEqual(execute(db, query).items, []);
    }
    for (const table of ['runs', 'experiments', 'registered_models', 'model_versions']) assert.equal(countRows(db, table), table === 'runs' ? 2 : 1);
  });
});
