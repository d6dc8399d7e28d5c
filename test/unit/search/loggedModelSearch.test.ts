import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ErrorCode, MlflowError } from '../../../src/core/errors';
import { FilterError } from '../../../src/core/search/filterError';
import { compileLoggedModelSearch, type LoggedModelSearchRequest } from '../../../src/core/search/loggedModelSearch';
import type { Database } from '../../../src/core/store/database';
import { catchError, column, execute, openDatabase } from './searchFixtures';

let db: Database;

before(async () => {
  db = await openDatabase();
  db.write((tx) => {
    tx.runMany(
      `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms,
         status, lifecycle_stage, model_type, source_run_id) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?)`,
      [
        ['m1', 1, 'random_forest_model', 100, 200, 'LOGGED_MODEL_READY', 'active', 'sklearn', 'r1'],
        ['m2', 1, 'xgb', 300, 300, 'LOGGED_MODEL_PENDING', 'active', '', 'r2'],
        ['m3', 1, 'random_forest_model', 400, 400, 'LOGGED_MODEL_READY', 'deleted', '', 'r3'],
        ['m4', 2, 'random_forest_model', 500, 500, 'LOGGED_MODEL_READY', 'active', '', 'r4'],
        ...[0, 1, 2, 3, 4].map((i) => [`p${i}`, 5, `model-${i}`, 1000 + (i % 2), 0, 'LOGGED_MODEL_READY', 'active', '', '']),
      ],
    );
    tx.runMany('INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)', [
      ['m1', 'alpha', '0.5'],
      ['m2', 'alpha', '0.1'],
    ]);
    tx.runMany('INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)', [['m1', 'env', 'prod']]);
    // A model's metrics live in logged_model_metrics (MLflow's table), apart from run histories.
    tx.runMany(
      `INSERT INTO logged_model_metrics (run_id, metric_name, metric_value, is_nan, metric_timestamp_ms, metric_step, model_id, dataset_name, dataset_digest)
       VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)`,
      [
        ['r1', 'acc', 0.8, 1, 0, 'm1', 'train', 'd1'],
        ['r1', 'acc', 0.9, 2, 1, 'm1', 'eval', 'd2'],
        ['r2', 'acc', 0.85, 1, 0, 'm2', 'eval', 'd3'],
      ],
    );
    // A run point without a model link is no model metric.
    tx.run("INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step) VALUES ('r1', 'acc', 0.99, 0, 3, 0)");
  });
});

function models(request: Partial<LoggedModelSearchRequest>): string[] {
  return column(execute(db, compileLoggedModelSearch({ experimentIds: ['1'], ...request })), 'model_id').map(String);
}

describe('logged model search', () => {
  const filters: [string, string[]][] = [
    // What the MLflow client sends when it registers a model.
    ["name = 'random_forest_model'", ['m1']],
    ["name LIKE 'random%' OR name = 'xgb'", ['m1', 'm2']],
    ['metrics.acc > 0.85', ['m1']],
    ['metrics.acc < 0.85', ['m1']],
    ['metrics.acc >= 0.95', []],
    ["params.alpha = '0.1'", ['m2']],
    ["tags.env = 'prod'", ['m1']],
    ['creation_timestamp > 150', ['m2']],
    ['creation_time <= 150', ['m1']],
    ['last_updated_timestamp = 300', ['m2']],
    ["status = 'LOGGED_MODEL_PENDING'", ['m2']],
    ["attributes.source_run_id = 'r1'", ['m1']],
    ["model_type = 'sklearn'", ['m1']],
    ["model_id IN ('m2', 'm3', 'm4')", ['m2']],
  ];
  for (const [filter, expected] of filters) {
    test(filter, () => assert.deepEqual(models({ filter }).sort(), expected));
  }

  test('datasets narrow metric comparisons, or alone keep models with metrics on them', () => {
    assert.deepEqual(models({ filter: 'metrics.acc < 0.85', datasets: [{ dataset_name: 'eval' }] }), []);
    assert.deepEqual(models({ filter: 'metrics.acc >= 0.85', datasets: [{ dataset_name: 'eval' }] }).sort(), ['m1', 'm2']);
    assert.deepEqual(models({ filter: 'metrics.acc >= 0.85', datasets: [{ dataset_name: 'eval', dataset_digest: 'd3' }] }), ['m2']);
    assert.deepEqual(models({ datasets: [{ dataset_name: 'train' }] }), ['m1']);
    assert.deepEqual(models({ filter: "name != 'zzz'", datasets: [{ dataset_name: 'train' }, { dataset_name: 'eval', dataset_digest: 'd3' }] }).sort(), [
      'm1',
      'm2',
    ]);
    const error = catchError(() => compileLoggedModelSearch({ experimentIds: ['1'], datasets: [{}] as never }));
    assert.match(error.message, /`dataset_name` in the `datasets` clause must be specified/);
  });

  test('order: creation DESC by default; entries as MLflow sends them or as clauses', () => {
    assert.deepEqual(models({}), ['m2', 'm1']);
    assert.deepEqual(models({ orderBy: [{ field_name: 'metrics.acc', ascending: false }] }), ['m1', 'm2']);
    assert.deepEqual(models({ orderBy: [{ field_name: 'metrics.acc' }] }), ['m2', 'm1']);
    // Only m1 has acc on train: the model without it goes last in both directions.
    assert.deepEqual(models({ orderBy: [{ field_name: 'metrics.acc', ascending: true, dataset_name: 'train' }] }), ['m1', 'm2']);
    assert.deepEqual(models({ orderBy: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'train' }] }), ['m1', 'm2']);
    assert.deepEqual(models({ orderBy: [{ field_name: 'name', ascending: false }] }), ['m2', 'm1']);
    assert.deepEqual(models({ orderBy: ['metrics.acc ASC'] }), ['m2', 'm1']);
    assert.deepEqual(models({ orderBy: ['creation_time ASC'] }), ['m1', 'm2']);
  });

  test('bad order_by entries', () => {
    const cases: [unknown, RegExp][] = [
      [{ field_name: 'params.alpha' }, /only `metrics.<name>` is allowed/],
      [{ field_name: 'bogus' }, /^Invalid order by field name: bogus\.$/],
      [{ ascending: true }, /`field_name` in the `order_by` clause must be specified/],
      [{ field_name: 'name', ascending: 'yes' }, /must be a boolean/],
      [{ field_name: 'metrics.acc', dataset_digest: 'd1' }, /`dataset_digest` can only be specified if `dataset_name`/],
    ];
    for (const [entry, message] of cases) {
      const error = catchError(() => compileLoggedModelSearch({ experimentIds: ['1'], orderBy: [entry as never] }));
      assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue));
      assert.match(error.message, message);
    }
    const clause = catchError(() => compileLoggedModelSearch({ experimentIds: ['1'], orderBy: ['tags.env'] }));
    assert.ok(clause instanceof FilterError);
  });

  test('fields a JSON body carries as null count as absent', () => {
    const nulls = { filter: null, datasets: null, orderBy: null, maxResults: null, pageToken: null } as unknown as Partial<LoggedModelSearchRequest>;
    assert.deepEqual(models(nulls), ['m2', 'm1']);
  });

  test('filter faults', () => {
    const error = catchError(() => compileLoggedModelSearch({ experimentIds: ['1'], filter: "metrics.acc = 'x'" }));
    assert.ok(error instanceof FilterError);
    assert.match(error.reason, /^expected a number for metric 'acc'/);
  });

  test('paging, with a token bound to its search', () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = execute(db, compileLoggedModelSearch({ experimentIds: ['5'], maxResults: 2, pageToken }));
      seen.push(...column(page, 'model_id').map(String));
      pageToken = page.nextPageToken;
      if (pageToken !== undefined) {
        const other = catchError(() => compileLoggedModelSearch({ experimentIds: ['5'], filter: "name = 'x'", maxResults: 2, pageToken }));
        assert.match(other.message, /filter_string do not match/);
      }
    } while (pageToken !== undefined);
    assert.deepEqual(seen, ['p1', 'p3', 'p0', 'p2', 'p4']);
    assert.equal(compileLoggedModelSearch({ experimentIds: ['5'] }).maxResults, 100);
  });
});
