import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ErrorCode, MlflowError } from '../../../src/core/errors';
import { FilterError } from '../../../src/core/search/filterError';
import { decodeOffsetToken, encodeOffsetToken } from '../../../src/core/search/paging';
import { compileRunSearch, type RunSearchRequest } from '../../../src/core/search/runSearch';
import type { Database } from '../../../src/core/store/database';
import { catchError, column, execute, insertRuns, openDatabase, type RunSeed } from './searchFixtures';

let db: Database;

// Experiment 1: one key each; experiment 3: two keys with ties; experiment 4: equal start times;
// experiment 5: a larger set to page through.
const runs: RunSeed[] = [
  { runId: 'r1', startTime: 1000, endTime: 2000, params: { optimizer: 'Adam' }, metrics: { rmse: 0.1 }, tags: { team: 'b' } },
  { runId: 'r2', startTime: 2000, endTime: 3000, params: { optimizer: 'adam' }, metrics: { rmse: 0.5 }, tags: { team: 'a' } },
  { runId: 'r3', startTime: 3000, endTime: null, params: { optimizer: 'sgd' }, metrics: { rmse: 0.9 } },
  { runId: 'r4', startTime: 4000, endTime: 4500, params: { optimizer: 'sgd_50%' }, metrics: { rmse: NaN }, tags: { team: 'c' } },
  { runId: 'r7', startTime: 7000, endTime: null },
  { runId: 'x5', startTime: 9000, lifecycleStage: 'deleted', metrics: { rmse: 0 } },
  { runId: 's1', experimentId: 3, startTime: 1, params: { g: 'a' }, metrics: { score: 3 } },
  { runId: 's2', experimentId: 3, startTime: 2, params: { g: 'a' }, metrics: { score: 1 } },
  { runId: 's3', experimentId: 3, startTime: 3, params: { g: 'b' }, metrics: { score: 2 } },
  { runId: 's4', experimentId: 3, startTime: 4, params: { g: 'b' } },
  { runId: 's5', experimentId: 3, startTime: 5, metrics: { score: 5 } },
  { runId: 's6', experimentId: 3, startTime: 6, params: { g: 'a' }, metrics: { score: NaN } },
  { runId: 't1', experimentId: 4, startTime: 100 },
  { runId: 't3', experimentId: 4, startTime: 100 },
  { runId: 't2', experimentId: 4, startTime: 100 },
  { runId: 't0', experimentId: 4, startTime: 50 },
  ...Array.from({ length: 23 }, (_, i): RunSeed => ({
    runId: `p${String(i).padStart(2, '0')}`,
    experimentId: 5,
    startTime: 10_000 + (i % 4),
    ...(i % 5 === 0 ? {} : { metrics: { m: i % 3 } }),
  })),
];

before(async () => {
  db = await openDatabase();
  insertRuns(db, runs);
});

function ordered(request: Partial<RunSearchRequest>): string[] {
  return column(execute(db, compileRunSearch({ experimentIds: ['1'], ...request })), 'run_id').map(String);
}

describe('run order_by', () => {
  test('by a metric: runs without it last, NaN just before them, in both directions', () => {
    assert.deepEqual(ordered({ orderBy: ['metrics.rmse ASC'] }), ['r1', 'r2', 'r3', 'r4', 'r7']);
    assert.deepEqual(ordered({ orderBy: ['metrics.rmse DESC'] }), ['r3', 'r2', 'r1', 'r4', 'r7']);
    assert.deepEqual(ordered({ orderBy: ['metrics.rmse'] }), ['r1', 'r2', 'r3', 'r4', 'r7']);
  });

  test('by a param, as strings (case-sensitive), runs without it last', () => {
    assert.deepEqual(ordered({ orderBy: ['params.optimizer DESC'] }), ['r4', 'r3', 'r2', 'r1', 'r7']);
    assert.deepEqual(ordered({ orderBy: ['params.optimizer asc'] }), ['r1', 'r2', 'r3', 'r4', 'r7']);
  });

  test('by a tag; ties and missing values fall back to start_time DESC', () => {
    assert.deepEqual(ordered({ orderBy: ['tags.team'] }), ['r2', 'r1', 'r4', 'r7', 'r3']);
    assert.deepEqual(ordered({ orderBy: ['tags.team DESC'] }), ['r4', 'r1', 'r2', 'r7', 'r3']);
  });

  test('by an attribute that can be missing (end_time), missing last both ways', () => {
    assert.deepEqual(ordered({ orderBy: ['end_time DESC'] }), ['r4', 'r2', 'r1', 'r7', 'r3']);
    assert.deepEqual(ordered({ orderBy: ['attributes.end_time ASC'] }), ['r1', 'r2', 'r4', 'r7', 'r3']);
  });

  test('by start_time and its alias created', () => {
    assert.deepEqual(ordered({ orderBy: ['start_time ASC'] }), ['r1', 'r2', 'r3', 'r4', 'r7']);
    assert.deepEqual(ordered({ orderBy: ['created'] }), ['r1', 'r2', 'r3', 'r4', 'r7']);
    assert.deepEqual(ordered({ orderBy: ['attributes.start_time DESC'] }), ['r7', 'r4', 'r3', 'r2', 'r1']);
  });

  test('several keys, each with its direction', () => {
    const request = { experimentIds: ['3'] };
    assert.deepEqual(ordered({ ...request, orderBy: ['params.g ASC', 'metrics.score DESC'] }), ['s1', 's2', 's6', 's3', 's4', 's5']);
    assert.deepEqual(ordered({ ...request, orderBy: ['params.g DESC', 'metrics.score ASC'] }), ['s3', 's4', 's2', 's1', 's6', 's5']);
    assert.deepEqual(ordered({ ...request, orderBy: ['metrics.score DESC', 'params.g'] }), ['s5', 's1', 's3', 's2', 's6', 's4']);
  });

  test('default order: start_time DESC, then run_id', () => {
    assert.deepEqual(ordered({}), ['r7', 'r4', 'r3', 'r2', 'r1']);
    assert.deepEqual(ordered({ experimentIds: ['4'] }), ['t1', 't2', 't3', 't0']);
    assert.deepEqual(ordered({ experimentIds: ['4'], orderBy: [] }), ['t1', 't2', 't3', 't0']);
  });

  test('a filter and an order together', () => {
    assert.deepEqual(ordered({ filter: "params.optimizer ILIKE 'adam' OR metrics.rmse > 0.6", orderBy: ['metrics.rmse DESC'] }), ['r3', 'r2', 'r1']);
  });

  test('order_by faults point into the clause', () => {
    const cases: [string[], number, RegExp][] = [
      [['metrics.rmse DOWN'], 13, /^expected ASC or DESC after 'metrics\.rmse'$/],
      [['metrics.rmse DESC extra'], 18, /^unexpected text after the direction/],
      [['datasets.name'], 0, /^runs cannot be ordered by dataset fields/],
      [['colour'], 0, /^unknown attribute 'colour' for runs/],
      [['   '], 3, /^the clause is empty/],
      [['metrics.`` DESC'], 0, /^the key after 'metrics\.' is empty$/],
    ];
    for (const [orderBy, offset, reason] of cases) {
      const error = catchError(() => compileRunSearch({ experimentIds: ['1'], orderBy }));
      assert.ok(error instanceof FilterError, orderBy[0]);
      assert.match(error.reason, reason);
      assert.equal(error.offset, offset);
      assert.ok(error.message.startsWith(`Invalid order_by clause at column ${offset + 1}: `));
    }
  });

  test('a field ordered twice is refused, aliases included', () => {
    for (const orderBy of [['metrics.rmse', 'metrics.rmse DESC'], ['start_time', 'created DESC']]) {
      const error = catchError(() => compileRunSearch({ experimentIds: ['1'], orderBy }));
      assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue));
      assert.match(error.message, /`order_by` contains duplicate fields/);
    }
  });

  test('order_by must be a list of strings', () => {
    const error = catchError(() => compileRunSearch({ experimentIds: ['1'], orderBy: [42] as unknown as string[] }));
    assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue));
  });
});

describe('run search scope', () => {
  test('view types: active, deleted, all, as names or proto numbers', () => {
    assert.deepEqual(ordered({ runViewType: 'DELETED_ONLY' }), ['x5']);
    assert.deepEqual(ordered({ runViewType: 2 }), ['x5']);
    assert.deepEqual(ordered({ runViewType: 'ALL' }).sort(), ['r1', 'r2', 'r3', 'r4', 'r7', 'x5']);
    assert.deepEqual(ordered({ runViewType: 'ACTIVE_ONLY' }).sort(), ['r1', 'r2', 'r3', 'r4', 'r7']);
    assert.deepEqual(ordered({ runViewType: 1 }).sort(), ['r1', 'r2', 'r3', 'r4', 'r7']);
    const error = catchError(() => compileRunSearch({ experimentIds: ['1'], runViewType: 'SOMETIMES' }));
    assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue));
  });

  test('only the experiments asked for', () => {
    assert.deepEqual(ordered({ experimentIds: ['4', '3'], orderBy: ['start_time'] }).length, 10);
    assert.deepEqual(ordered({ experimentIds: [] }), []);
    assert.deepEqual(ordered({ experimentIds: ['999'] }), []);
  });
});

describe('run search requests', () => {
  test('fields a JSON body carries as null count as absent', () => {
    const nulls = { filter: null, orderBy: null, runViewType: null, maxResults: null, pageToken: null } as unknown as Partial<RunSearchRequest>;
    assert.deepEqual(ordered(nulls), ['r7', 'r4', 'r3', 'r2', 'r1']);
  });

  test('a page token that is not a string is a 400', () => {
    const error = catchError(() => compileRunSearch({ experimentIds: ['1'], pageToken: 7 as unknown as string }));
    assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue));
  });
});

describe('run search paging', () => {
  test('pages through every run once, in order, with a token until the last page', () => {
    for (const orderBy of [[], ['metrics.m DESC'], ['metrics.m ASC', 'start_time ASC']]) {
      const all = execute(db, compileRunSearch({ experimentIds: ['5'], orderBy }));
      assert.equal(all.items.length, 23);
      assert.equal(all.nextPageToken, undefined);

      const seen: unknown[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const page = execute(db, compileRunSearch({ experimentIds: ['5'], orderBy, maxResults: 5, pageToken }));
        assert.ok(page.items.length <= 5);
        seen.push(...column(page, 'run_id'));
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken !== undefined);
      assert.equal(pages, 5);
      assert.deepEqual(seen, column(all, 'run_id'), `order ${orderBy.join(', ')}`);
      assert.equal(new Set(seen).size, 23);
    }
  });

  test('a page that ends exactly at the last run has no next token', () => {
    const page = execute(db, compileRunSearch({ experimentIds: ['5'], maxResults: 23 }));
    assert.equal(page.items.length, 23);
    assert.equal(page.nextPageToken, undefined);
    const short = execute(db, compileRunSearch({ experimentIds: ['5'], maxResults: 22 }));
    assert.equal(short.items.length, 22);
    assert.equal(decodeOffsetToken(short.nextPageToken), 22);
  });

  test('page tokens are MLflow\'s: base64 of {"offset": n}', () => {
    // What a real MLflow server returns after the first 1,000 runs.
    assert.equal(encodeOffsetToken(1000), 'eyJvZmZzZXQiOiAxMDAwfQ==');
    assert.equal(decodeOffsetToken('eyJvZmZzZXQiOiAxMDAwfQ=='), 1000);
    assert.equal(decodeOffsetToken(undefined), 0);
    assert.equal(decodeOffsetToken(''), 0);
  });

  test('a bad page token is a 400', () => {
    const tokens = [
      'not base64!',
      Buffer.from('not json').toString('base64'),
      Buffer.from('[1]').toString('base64'),
      Buffer.from('{"offset": -1}').toString('base64'),
      Buffer.from('{"offset": "7"}').toString('base64'),
      Buffer.from('{"start": 7}').toString('base64'),
    ];
    for (const pageToken of tokens) {
      const error = catchError(() => compileRunSearch({ experimentIds: ['5'], pageToken }));
      assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue), pageToken);
      assert.match(error.message, /^Invalid page token/);
    }
  });

  test('max_results: 1,000 by default, at most 50,000, a positive integer', () => {
    assert.equal(compileRunSearch({ experimentIds: ['5'] }).maxResults, 1000);
    assert.equal(compileRunSearch({ experimentIds: ['5'], maxResults: 50000 }).maxResults, 50000);
    assert.equal(compileRunSearch({ experimentIds: ['5'], maxResults: '20' }).maxResults, 20);
    for (const maxResults of [50001, 0, -3, 1.5, 'ten']) {
      const error = catchError(() => compileRunSearch({ experimentIds: ['5'], maxResults }));
      assert.ok(MlflowError.is(error, ErrorCode.InvalidParameterValue), String(maxResults));
      assert.match(error.message, /for parameter 'max_results' supplied/);
    }
  });
});
