import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ErrorCode, MlflowError } from '../../../src/core/errors';
import { compileExperimentSearch, type ExperimentSearchRequest } from '../../../src/core/search/experimentSearch';
import { FilterError } from '../../../src/core/search/filterError';
import type { Database } from '../../../src/core/store/database';
import { catchError, column, execute, openDatabase } from './searchFixtures';

let db: Database;

before(async () => {
  db = await openDatabase();
  db.write((tx) => {
    tx.runMany(
      'INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)',
      [
        [0, 'Default', '', 'active', 10, 10],
        [1, 'alpha-exp', '', 'active', 20, 50],
        [2, 'Beta', '', 'active', 30, 40],
        [3, 'gamma', '', 'deleted', 30, 30],
        [4, 'delta', '', 'active', 5, 50],
      ],
    );
    tx.runMany('INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)', [
      [1, 'team', 'vision'],
      [2, 'team', 'nlp'],
      [2, 'mlflow.note.content', 'hello'],
    ]);
  });
});

function ids(request: ExperimentSearchRequest): number[] {
  return column(execute(db, compileExperimentSearch(request)), 'experiment_id').map(Number);
}

describe('experiment search', () => {
  const filters: [string, number[]][] = [
    ["name = 'Beta'", [2]],
    ["name LIKE 'b%'", []],
    ["name ILIKE 'b%'", [2]],
    ["attributes.name != 'Default'", [1, 2, 4]],
    ['creation_time > 15', [1, 2]],
    ['last_update_time <= 40', [0, 2]],
    ["tags.team = 'vision'", [1]],
    ["tags.team ILIKE '%L%'", [2]],
    ["tags.`mlflow.note.content` = 'hello'", [2]],
    ["tags.team = 'vision' OR name = 'Default'", [0, 1]],
    ["name IN ('Beta', 'delta')", [2, 4]],
  ];
  for (const [filter, expected] of filters) {
    test(filter, () => assert.deepEqual(ids({ filter }).sort(), expected));
  }

  test('type rules and unknown fields', () => {
    const cases: [string, RegExp][] = [
      ['metrics.x > 1', /^experiments have no metrics to filter on/],
      ["creation_time = 'a'", /^expected a number for attribute 'creation_time'/],
      ["run_id = 'x'", /^unknown attribute 'run_id' for experiments: use one of name, creation_time, last_update_time$/],
      ['name > 1', /^the operator > does not apply to attribute 'name'/],
    ];
    for (const [filter, reason] of cases) {
      const error = catchError(() => compileExperimentSearch({ filter }));
      assert.ok(error instanceof FilterError, filter);
      assert.match(error.reason, reason);
    }
  });

  test('order: creation_time DESC then experiment_id by default; experiment_id DESC breaks other ties', () => {
    assert.deepEqual(ids({}), [2, 1, 0, 4]);
    assert.deepEqual(ids({ viewType: 'ALL' }), [2, 3, 1, 0, 4]);
    assert.deepEqual(ids({ orderBy: ['name ASC'] }), [2, 0, 1, 4]);
    assert.deepEqual(ids({ orderBy: ['last_update_time DESC'] }), [4, 1, 2, 0]);
    assert.deepEqual(ids({ orderBy: ['attributes.experiment_id DESC'] }), [4, 2, 1, 0]);
    const error = catchError(() => compileExperimentSearch({ orderBy: ['tags.team'] }));
    assert.ok(error instanceof FilterError);
    assert.match(error.reason, /^experiments can be ordered by name, experiment_id, creation_time, last_update_time/);
  });

  test('fields a JSON body carries as null count as absent', () => {
    const nulls = { filter: null, orderBy: null, viewType: null, maxResults: null, pageToken: null } as unknown as ExperimentSearchRequest;
    assert.deepEqual(ids(nulls), [2, 1, 0, 4]);
  });

  test('view types', () => {
    assert.deepEqual(ids({ viewType: 'DELETED_ONLY' }), [3]);
    assert.ok(MlflowError.is(catchError(() => compileExperimentSearch({ viewType: 'NONE' })), ErrorCode.InvalidParameterValue));
  });

  test('paging', () => {
    const seen: number[] = [];
    let pageToken: string | undefined;
    do {
      const page = execute(db, compileExperimentSearch({ viewType: 'ALL', maxResults: 2, pageToken }));
      seen.push(...column(page, 'experiment_id').map(Number));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    assert.deepEqual(seen, [2, 3, 1, 0, 4]);
    assert.equal(compileExperimentSearch({}).maxResults, 1000);
    assert.ok(MlflowError.is(catchError(() => compileExperimentSearch({ maxResults: 50001 })), ErrorCode.InvalidParameterValue));
  });
});
