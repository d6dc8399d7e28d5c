// Evaluation dataset search (`datasets/search`) through the store, on a real in-memory database:
// the filter, order and paging of the one search pipeline, and which fault MLflow reports first.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ErrorCode, MlflowError } from '../../../src/core/errors';
import type { DatasetSearchRequest } from '../../../src/core/search/datasetSearch';
import type { Database } from '../../../src/core/store/database';
import { EvaluationDatasets } from '../../../src/core/store/genai/evaluationDatasets';
import { catchError, openDatabase } from './searchFixtures';

let db: Database;
let datasets: EvaluationDatasets;

before(async () => {
  db = await openDatabase();
  db.write((tx) => {
    tx.runMany(
      "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, '', 'active', 0, 0)",
      [
        [1, 'first'],
        [2, 'second'],
      ],
    );
  });
  datasets = new EvaluationDatasets(db);
  datasets.create({ name: 'qa-easy', experimentIds: ['1'], tags: { stage: 'dev' } });
  datasets.create({ name: 'qa-hard', experimentIds: ['1', '2'], tags: { stage: 'prod', 'mlflow.user': 'alice' } });
  datasets.create({ name: 'summaries', experimentIds: ['2'], tags: {} });
  datasets.create({ name: 'unlinked', experimentIds: [], tags: {} });
});

function names(request: Partial<DatasetSearchRequest>): string[] {
  return datasets.search({ experimentIds: [], orderBy: ['name'], ...request }).datasets.map((dataset) => String(dataset.name));
}

describe('evaluation dataset search', () => {
  test('experiment ids, filters on attributes and tags, and order', () => {
    assert.deepEqual(names({}), ['qa-easy', 'qa-hard', 'summaries', 'unlinked']);
    assert.deepEqual(names({ experimentIds: ['2'] }), ['qa-hard', 'summaries']);
    assert.deepEqual(names({ experimentIds: ['not-a-number'] }), []);
    assert.deepEqual(names({ filter: "name LIKE 'qa-%'" }), ['qa-easy', 'qa-hard']);
    assert.deepEqual(names({ filter: "tags.stage = 'prod'" }), ['qa-hard']);
    assert.deepEqual(names({ filter: "created_by = 'alice'" }), ['qa-hard']);
    assert.deepEqual(names({ orderBy: ['name DESC'] }), ['unlinked', 'summaries', 'qa-hard', 'qa-easy']);
  });

  test('pages follow one another with the offset token, and the last has none', () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = datasets.search({ experimentIds: [], orderBy: ['name'], maxResults: 3, pageToken });
      seen.push(...page.datasets.map((dataset) => String(dataset.name)));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    assert.deepEqual(seen, ['qa-easy', 'qa-hard', 'summaries', 'unlinked']);
  });

  test('a request with several faults is refused for the first MLflow checks: max_results, page token, filter, order_by', () => {
    const badToken = 'not base64!';
    const badFilter = 'nosuchfield = 1';
    const badOrder = ['nosuchfield'];
    const refused = (request: Partial<DatasetSearchRequest>) => {
      const error = catchError(() => datasets.search({ experimentIds: [], ...request }));
      assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue), String(error));
      return error.message;
    };
    assert.match(refused({ maxResults: 0, pageToken: badToken, filter: badFilter }), /max_results/);
    assert.match(refused({ pageToken: badToken, filter: badFilter, orderBy: badOrder }), /Invalid page token/);
    const filterFault = refused({ filter: badFilter, orderBy: badOrder });
    assert.match(filterFault, /nosuchfield/);
    assert.doesNotMatch(filterFault, /order_by/);
  });
});
