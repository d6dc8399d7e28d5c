import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { before, describe, test, type TestContext } from 'node:test';
import { compileRunSearch, type RunSearchRequest } from '../../../src/core/search/runSearch';
import type { Database } from '../../../src/core/store/database';
import { column, execute, insertRuns, openDatabase, type RunSeed } from './searchFixtures';

/**
 * DESIGN.md's budget for the whole `runs/search` endpoint over 10,000 runs: `npm run bench` measures it
 * (bench/server.bench.ts); here the times are only reported, since a wall-clock bound flakes on a busy machine.
 */
const endpointBudgetMs = 50;
const runCount = 10_000;

let db: Database;
let seeds: RunSeed[];

/** A fixed pseudo-random sequence, so every run of the test sees the same data. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

before(async () => {
  const random = sequence(7);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  seeds = Array.from({ length: runCount }, (_, i) => ({
    runId: i.toString(16).padStart(32, '0'),
    name: `run-${i}`,
    startTime: 1_700_000_000_000 + i * 1000,
    endTime: 1_700_000_000_000 + i * 1000 + 500,
    params: { lr: pick(['0.1', '0.01', '0.001', '0.0001', '0.3']), optimizer: pick(['adam', 'sgd', 'rmsprop']), batch: pick(['16', '32', '64', '128']) },
    metrics: { rmse: random(), loss: random() * 10, acc: random() },
    tags: { team: pick(['vision', 'nlp', 'speech']), 'mlflow.runName': `run-${i}` },
  }));
  db = await openDatabase();
  insertRuns(db, seeds);
});

/** Median wall time of compiling and executing `request`, after one warm-up. */
function measure(request: RunSearchRequest, rounds = 9): { medianMs: number; ids: string[] } {
  let ids: string[] = [];
  const times: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const start = performance.now();
    const page = execute(db, compileRunSearch(request));
    const elapsed = performance.now() - start;
    if (round > 0) times.push(elapsed);
    ids = column(page, 'run_id').map(String);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], ids };
}

function report(t: TestContext, what: string, medianMs: number, rows: number): void {
  t.diagnostic(`${what}: ${medianMs.toFixed(1)} ms median for ${rows} rows over ${runCount} runs (endpoint budget ${endpointBudgetMs} ms)`);
}

/** The index this report recommends for the schema: the run scan then never reads the table itself. */
const recommendedIndex = 'CREATE INDEX runs_by_experiment_stage ON runs (experiment_id, lifecycle_stage, start_time DESC, run_id)';

const andFilter: RunSearchRequest = { experimentIds: ['1'], filter: "metrics.rmse < 0.5 AND params.lr = '0.01'", orderBy: ['metrics.rmse ASC'] };
const orFilter: RunSearchRequest = {
  experimentIds: ['1'],
  filter: "params.optimizer = 'adam' OR tags.team LIKE 'vis%'",
  orderBy: ['params.lr DESC', 'metrics.acc DESC'],
};

describe(`runs/search over ${runCount} runs`, () => {
  test('filter on a metric and a param, ordered by the metric', (t) => {
    const { medianMs, ids } = measure(andFilter);
    const expected = seeds
      .filter((seed) => (seed.metrics?.rmse ?? 1) < 0.5 && seed.params?.lr === '0.01')
      .sort((a, b) => (a.metrics?.rmse ?? 0) - (b.metrics?.rmse ?? 0))
      .map((seed) => seed.runId);
    assert.deepEqual(ids, expected.slice(0, 1000));
    report(t, 'metrics.rmse < 0.5 AND params.lr = ... ORDER BY metrics.rmse', medianMs, ids.length);
  });

  test('OR, LIKE and two order keys, a full page of 1,000', (t) => {
    const { medianMs, ids } = measure(orFilter);
    const expected = seeds
      .filter((seed) => seed.params?.optimizer === 'adam' || seed.tags?.team === 'vision')
      .sort((a, b) => {
        const byLr = (b.params?.lr ?? '').localeCompare(a.params?.lr ?? '');
        return byLr !== 0 ? byLr : (b.metrics?.acc ?? 0) - (a.metrics?.acc ?? 0);
      })
      .map((seed) => seed.runId);
    assert.deepEqual(ids, expected.slice(0, 1000));
    // About 27,000 primary-key lookups, the heaviest common shape.
    report(t, "params.optimizer = 'adam' OR tags.team LIKE ... ORDER BY params.lr DESC, metrics.acc DESC", medianMs, ids.length);
  });

  test('no filter, default order', (t) => {
    const { medianMs, ids } = measure({ experimentIds: ['1'] });
    assert.equal(ids[0], seeds[runCount - 1].runId);
    report(t, 'default order, first page', medianMs, ids.length);
  });

  test('every matching run in one page (max_results 50,000)', (t) => {
    const { medianMs, ids } = measure({ experimentIds: ['1'], filter: 'metrics.acc > 0.5', orderBy: ['metrics.loss DESC'], maxResults: 50000 }, 5);
    assert.equal(ids.length, seeds.filter((seed) => (seed.metrics?.acc ?? 0) > 0.5).length);
    report(t, 'metrics.acc > 0.5 ORDER BY metrics.loss DESC, all rows', medianMs, ids.length);
  });

  // Runs last: it adds the index to this file's database.
  test('the same searches with the recommended covering index', (t) => {
    const before = [measure(andFilter), measure(orFilter), measure({ experimentIds: ['1'] })];
    db.write((tx) => tx.run(recommendedIndex));
    const after = [measure(andFilter), measure(orFilter), measure({ experimentIds: ['1'] })];
    const names = ['AND filter', 'OR filter', 'default order'];
    after.forEach((result, i) => {
      assert.deepEqual(result.ids, before[i].ids);
      t.diagnostic(`${names[i]}: ${before[i].medianMs.toFixed(1)} ms without, ${result.medianMs.toFixed(1)} ms with ${recommendedIndex}`);
    });
  });
});
