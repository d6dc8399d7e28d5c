import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ErrorCode, MlflowError } from '../../../src/core/errors';
import { FilterError } from '../../../src/core/search/filterError';
import { compileRunSearch, type RunSearchRequest } from '../../../src/core/search/runSearch';
import type { Database } from '../../../src/core/store/database';
import { column, execute, insertRuns, openDatabase, type RunSeed } from './searchFixtures';

const runs: RunSeed[] = [
  {
    runId: 'r1',
    name: 'alpha',
    status: 'FINISHED',
    startTime: 1000,
    endTime: 2000,
    userId: 'alice',
    params: { lr: '0.01', optimizer: 'Adam', 'my.key': 'dotted', 'batch size': '32' },
    metrics: { rmse: 0.1, loss: -1.5 },
    tags: { team: 'vision', 'mlflow.runName': 'alpha', note: "it's", pattern: 'a*b?[c]' },
  },
  {
    runId: 'r2',
    name: 'beta',
    status: 'FAILED',
    startTime: 2000,
    endTime: 3000,
    userId: 'bob',
    params: { lr: '0.1', optimizer: 'adam' },
    metrics: { rmse: 0.5, loss: 2000 },
    tags: { team: 'Vision', pattern: 'axxb?[c]' },
  },
  {
    runId: 'r3',
    name: 'gamma',
    status: 'RUNNING',
    startTime: 3000,
    endTime: null,
    userId: 'alice',
    params: { lr: '0.001', optimizer: 'sgd-m' },
    metrics: { rmse: 0.9 },
    tags: { team: 'nlp' },
  },
  {
    runId: 'r4',
    name: 'delta',
    status: 'KILLED',
    startTime: 4000,
    endTime: 4500,
    userId: 'carol',
    params: { optimizer: 'sgd_50%' },
    metrics: { rmse: NaN, loss: Infinity },
  },
  { runId: 'r5', name: 'epsilon', startTime: 5000, lifecycleStage: 'deleted', params: { lr: '0.01' }, metrics: { rmse: 0.2 } },
  { runId: 'r6', name: 'zeta', experimentId: 2, startTime: 6000, params: { lr: '0.01' }, metrics: { rmse: 0.05 } },
  { runId: 'r7', name: 'eta', startTime: 7000, userId: 'dave', params: { lr: '0.5' } },
];

let db: Database;

before(async () => {
  db = await openDatabase();
  insertRuns(db, runs);
  db.write((tx) => {
    tx.run(`INSERT INTO datasets (dataset_id, experiment_id, name, digest) VALUES ('d1', 1, 'train-set', 'abc123'), ('d2', 1, 'eval', 'def456')`);
    tx.run('INSERT INTO run_inputs (run_id, dataset_id, tags_json) VALUES (?, ?, ?), (?, ?, ?)', [
      'r1',
      'd1',
      JSON.stringify([{ key: 'mlflow.data.context', value: 'training' }]),
      'r2',
      'd2',
      JSON.stringify([{ key: 'mlflow.data.context', value: 'validation' }]),
    ]);
  });
});

/** Ids of the active runs of experiment 1 that match, sorted (order is tested elsewhere). */
function matching(filter: string, request: Partial<RunSearchRequest> = {}): string[] {
  const page = execute(db, compileRunSearch({ experimentIds: ['1'], filter, ...request }));
  return column(page, 'run_id').map(String).sort();
}

function fault(filter: string): FilterError {
  try {
    compileRunSearch({ experimentIds: ['1'], filter });
  } catch (error) {
    assert.ok(error instanceof FilterError, `expected a FilterError for ${filter}, got ${String(error)}`);
    assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue));
    assert.equal(error.status, 400);
    return error;
  }
  assert.fail(`the filter ${filter} was accepted`);
}

describe('run filters: metrics compare their latest value with numbers', () => {
  const cases: [string, string[]][] = [
    ['metrics.rmse < 0.5', ['r1']],
    ['metrics.rmse <= 0.5', ['r1', 'r2']],
    ['metrics.rmse > 0.5', ['r3']],
    ['metrics.rmse >= 0.5', ['r2', 'r3']],
    ['metrics.rmse = 0.5', ['r2']],
    // NaN differs from every number; a run without the metric never matches.
    ['metrics.rmse != 0.5', ['r1', 'r3', 'r4']],
    ['metrics.loss < -1', ['r1']],
    ['metrics.loss = -1.5', ['r1']],
    ['metrics.loss > 1e3', ['r2', 'r4']],
    ['metrics.loss >= 2.0E+3', ['r2', 'r4']],
    ['metrics.loss > 1e300', ['r4']],
    ['metrics.loss < .5', ['r1']],
    ['metrics.rmse<0.5', ['r1']],
  ];
  for (const [filter, expected] of cases) {
    test(filter, () => assert.deepEqual(matching(filter), expected));
  }

  test('a NaN metric satisfies no ordering comparison', () => {
    for (const filter of ['metrics.rmse < 1e308', 'metrics.rmse > -1e308', 'metrics.rmse = 0']) {
      assert.ok(!matching(filter).includes('r4'), filter);
    }
  });
});

describe('run filters: params and tags compare strings', () => {
  const cases: [string, string[]][] = [
    ["params.lr = '0.01'", ['r1']],
    ["params.lr != '0.01'", ['r2', 'r3', 'r7']],
    ["params.optimizer = 'adam'", ['r2']],
    ["params.optimizer LIKE 'adam'", ['r2']],
    ["params.optimizer ILIKE 'adam'", ['r1', 'r2']],
    ["params.optimizer LIKE 'A%'", ['r1']],
    ["params.optimizer ILIKE 'A%'", ['r1', 'r2']],
    ["params.optimizer LIKE '_dam'", ['r1', 'r2']],
    ["params.optimizer LIKE 'sgd_%'", ['r3', 'r4']],
    ["params.optimizer LIKE 'sgd\\_%'", ['r4']],
    ["params.optimizer ILIKE 'SGD\\_%'", ['r4']],
    ["params.optimizer LIKE '%\\%'", ['r4']],
    ["params.lr IN ('0.01', '0.5')", ['r1', 'r7']],
    ["params.lr NOT IN ('0.01', '0.5')", ['r2', 'r3']],
    ["params.lr IN ('0.01')", ['r1']],
    ["tags.team = 'vision'", ['r1']],
    ["tags.team ILIKE 'VISION'", ['r1', 'r2']],
    ["tags.team != 'nlp'", ['r1', 'r2']],
    ["tags.team NOT IN ('nlp')", ['r1', 'r2']],
    // GLOB's own wildcards in a LIKE pattern are ordinary characters.
    ["tags.pattern LIKE 'a*b%'", ['r1']],
    ["tags.pattern LIKE 'a%b?[c]'", ['r1', 'r2']],
    ["tags.pattern LIKE 'a_b?[c]'", ['r1']],
    ["tags.pattern ILIKE 'A*B?[C]'", ['r1']],
  ];
  for (const [filter, expected] of cases) {
    test(filter, () => assert.deepEqual(matching(filter), expected));
  }

  test('string escapes: doubled quote, backslash-escaped quote, double quotes', () => {
    assert.deepEqual(matching("tags.note = 'it''s'"), ['r1']);
    assert.deepEqual(matching("tags.note = 'it\\'s'"), ['r1']);
    assert.deepEqual(matching(`tags.note = "it's"`), ['r1']);
    assert.deepEqual(matching(`tags.team = "vision"`), ['r1']);
  });
});

describe('run filters: keys, quoting and entity names', () => {
  const cases: [string, string[]][] = [
    ['params."my.key" = \'dotted\'', ['r1']],
    ["params.`my.key` = 'dotted'", ['r1']],
    ["params.`batch size` = '32'", ['r1']],
    ["tags.mlflow.runName = 'alpha'", ['r1']],
    ["tags.`mlflow.runName` = 'alpha'", ['r1']],
    ["metric.rmse < 0.2", ['r1']],
    ["Metrics.rmse < 0.2", ['r1']],
    ['`metrics`.rmse < 0.2', ['r1']],
    ["param.lr = '0.1'", ['r2']],
    ["parameters.lr = '0.1'", ['r2']],
    ["parameter.lr = '0.1'", ['r2']],
    ["tag.team = 'nlp'", ['r3']],
    ["attributes.status = 'FAILED'", ['r2']],
    ["attribute.status = 'FAILED'", ['r2']],
    ["attr.status = 'FAILED'", ['r2']],
    ["run.status = 'FAILED'", ['r2']],
    ["metrics.rmse < 0.2 and params.lr = '0.01'", ['r1']],
    ["metrics.rmse < 0.2 AnD params.lr = '0.01'", ['r1']],
    ["params.optimizer like 'a%' or params.optimizer not in ('sgd-m', 'sgd_50%', 'Adam')", ['r2']],
  ];
  for (const [filter, expected] of cases) {
    test(filter, () => assert.deepEqual(matching(filter), expected));
  }

  test('an empty or blank filter matches every run', () => {
    assert.deepEqual(matching(''), ['r1', 'r2', 'r3', 'r4', 'r7']);
    assert.deepEqual(matching('  \n\t '), ['r1', 'r2', 'r3', 'r4', 'r7']);
    assert.deepEqual(matching('', { filter: undefined }), ['r1', 'r2', 'r3', 'r4', 'r7']);
  });
});

describe('run filters: attributes', () => {
  const cases: [string, string[]][] = [
    ["status = 'FINISHED'", ['r1', 'r7']],
    ["status IN ('FINISHED', 'FAILED')", ['r1', 'r2', 'r7']],
    ["status NOT IN ('FINISHED', 'FAILED')", ['r3', 'r4']],
    ["run_name = 'beta'", ['r2']],
    ["`Run Name` = 'beta'", ['r2']],
    ['attributes."run name" LIKE \'%ta\'', ['r2', 'r4', 'r7']],
    ['start_time >= 3000', ['r3', 'r4', 'r7']],
    ['created < 2000', ['r1']],
    ['Created <= 2000', ['r1', 'r2']],
    // A run still running has no end time: it never matches a comparison on it.
    ['end_time < 4000', ['r1', 'r2']],
    ['end_time != 2000', ['r2', 'r4']],
    ["run_id = 'r3'", ['r3']],
    ["run_id IN ('r1', 'r3', 'r6')", ['r1', 'r3']],
    ["run_id NOT IN ('r1', 'r3')", ['r2', 'r4', 'r7']],
    ["user_id ILIKE 'ALICE'", ['r1', 'r3']],
    ["user_id LIKE 'ALICE'", []],
    ["artifact_uri LIKE '%/r2/%'", ['r2']],
    ["lifecycle_stage = 'active'", ['r1', 'r2', 'r3', 'r4', 'r7']],
  ];
  for (const [filter, expected] of cases) {
    test(filter, () => assert.deepEqual(matching(filter), expected));
  }

  test('lifecycle_stage with every view', () => {
    assert.deepEqual(matching("lifecycle_stage = 'deleted'", { runViewType: 'ALL' }), ['r5']);
  });
});

describe('run filters: datasets', () => {
  const cases: [string, string[]][] = [
    ["datasets.name = 'train-set'", ['r1']],
    ["dataset.digest IN ('def456', 'nope')", ['r2']],
    ["datasets.context LIKE 'train%'", ['r1']],
    ["datasets.context != 'training'", ['r2']],
    ["datasets.name ILIKE 'EVAL' OR datasets.context = 'training'", ['r1', 'r2']],
  ];
  for (const [filter, expected] of cases) {
    test(filter, () => assert.deepEqual(matching(filter), expected));
  }
});

describe('run filters: AND binds tighter than OR; parentheses group', () => {
  const cases: [string, string[]][] = [
    ["status = 'FAILED' OR status = 'RUNNING' AND metrics.rmse > 0.6", ['r2', 'r3']],
    ["(status = 'FAILED' OR status = 'RUNNING') AND metrics.rmse > 0.6", ['r3']],
    ["metrics.rmse > 0.6 AND status = 'RUNNING' OR status = 'FAILED'", ['r2', 'r3']],
    ["metrics.rmse > 0.6 AND (status = 'RUNNING' OR status = 'FAILED')", ['r3']],
    ["((status = 'FAILED'))", ['r2']],
    ["(status = 'FAILED' OR (status = 'KILLED' AND metrics.loss > 0)) AND params.optimizer LIKE '%'", ['r2', 'r4']],
    ["status = 'FAILED' or status = 'KILLED' or run_name = 'alpha'", ['r1', 'r2', 'r4']],
  ];
  for (const [filter, expected] of cases) {
    test(filter, () => assert.deepEqual(matching(filter), expected));
  }
});

describe('run filters: errors point at the fault', () => {
  const cases: [string, number, RegExp][] = [
    ["metrics.rmse < AND params.lr = '1'", 15, /^expected a value after '<'$/],
    ['metrics.rmse <<< 1', 13, /^unknown operator '<<<'/],
    ['metrics.rmse == 1', 13, /^unknown operator '=='/],
    ['metrics.rmse', 12, /^expected an operator \(=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN\) after 'metrics.rmse'$/],
    ['metrics.rmse > 1 AND', 20, /^expected a comparison such as/],
    ['(metrics.rmse > 1', 17, /^expected '\)' to close the '\(' at column 1$/],
    ["(metrics.rmse > 1 params.lr = '1')", 18, /^expected AND, OR or '\)' to close the '\(' at column 1$/],
    ['metrics.rmse > 1)', 16, /^unexpected '\)'/],
    ["metrics.rmse > 1 params.lr = '1'", 17, /^expected AND, OR or the end of the filter/],
    ['params.lr = 0.01', 12, /^expected a quoted string for param 'lr', found 0\.01: write '0\.01'$/],
    ["metrics.rmse = '0.5'", 15, /^expected a number for metric 'rmse', found the string '0\.5'$/],
    ["start_time > '2024'", 13, /^expected a number for attribute 'start_time'/],
    ['status = 1', 9, /^expected a quoted string for attribute 'status'/],
    ["params.lr > '0.01'", 10, /^the operator > does not apply to param 'lr', which holds strings/],
    ["metrics.rmse LIKE '1%'", 13, /^the operator LIKE does not apply to metric 'rmse', which holds numbers/],
    ['metrics.rmse IN (1, 2)', 13, /^the operator IN does not apply to metric 'rmse'/],
    ["run_id IN ('a', 1)", 16, /^expected a quoted string for attribute 'run_id', found 1/],
    ['status = FINISHED', 9, /^expected a value after '=': quote strings, e.g. 'FINISHED'$/],
    ["color = 'red'", 0, /^unknown attribute 'color' for runs: use one of run_id, run_name, status/],
    ["constructor = 'x'", 0, /^unknown attribute 'constructor'/],
    ["foo.bar = 'x'", 0, /^unknown entity 'foo'/],
    ["constructor.bar = 'x'", 0, /^unknown entity 'constructor'/],
    ["params.learning-rate = '1'", 15, /quote a key that holds characters other than letters, digits, '_' and '\.', e\.g\. params\.`learning-rate`$/],
    ["params.lr = 'abc", 12, /^unterminated string: the ' here has no closing '$/],
    ["params.`lr = 'x'", 7, /^unterminated quoted name/],
    ['params.lr IN ()', 14, /^the list after IN is empty/],
    ["params.lr IN ('a' 'b')", 18, /^expected ',' or '\)' in the list$/],
    ["params.lr IN ('a',)", 18, /^expected a value in the list$/],
    ["params.lr IN 'a'", 13, /^expected a list in parentheses after IN/],
    ["params.lr = ('a')", 12, /a list of values needs IN or NOT IN$/],
    ["params.lr NOT LIKE 'a'", 14, /^expected IN after NOT/],
    ['metrics. = 1', 8, /^expected a key after 'metrics\.'$/],
    ["datasets.size = 'x'", 0, /^unknown dataset field 'size'/],
    ['metrics.rmse < 1abc', 15, /^'1abc' is not a number/],
    ['params."a".b = \'x\'', 10, /^a quoted key must be the whole key/],
    ["params.`` = 'x'", 0, /^the key after 'params\.' is empty$/],
    ["tags.a. = 'x'", 7, /^expected more of the key after '\.'$/],
  ];
  for (const [filter, offset, reason] of cases) {
    test(filter, () => {
      const error = fault(filter);
      assert.match(error.reason, reason);
      assert.equal(error.offset, offset);
      assert.ok(error.message.startsWith(`Invalid filter at column ${offset + 1}: ${error.reason}\n`));
    });
  }

  test('the message shows the filter with a caret under the fault', () => {
    const error = fault("metrics.rmse < AND params.lr = '1'");
    assert.equal(
      error.message,
      "Invalid filter at column 16: expected a value after '<'\nmetrics.rmse < AND params.lr = '1'\n               ^",
    );
  });

  test('a caret at the end of the text sits after its last character', () => {
    const lines = fault('metrics.rmse >').message.split('\n');
    assert.equal(lines[2].length, lines[1].length + 1);
  });

  test('line breaks in a filter do not move the caret', () => {
    const lines = fault("status = 'FAILED'\nAND\tmetrics.rmse < ").message.split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[1], "status = 'FAILED' AND metrics.rmse < ");
    assert.equal(lines[2].indexOf('^'), lines[1].length);
  });

  test('a long filter is shown as a window around the fault', () => {
    const filter = `${"params.lr = 'x' AND ".repeat(20)}metrics.rmse < AND ${"params.lr = 'x' AND ".repeat(10)}status = 'a'`;
    const error = fault(filter);
    const [, shown, caret] = error.message.split('\n');
    assert.ok(shown.length < filter.length);
    assert.ok(shown.startsWith('...') && shown.endsWith('...'));
    assert.equal(shown.slice(caret.indexOf('^')).slice(0, 3), 'AND');
  });
});
