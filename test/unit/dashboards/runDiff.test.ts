import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { directionByName, resolveDirection } from '../../../src/core/runs/metricDirection';
import { bestIndexes, delta, diffKeyValues, diffMetrics, onlyDiffering } from '../../../src/dashboards/runDiff';
import type { MetricSummary } from '../../../src/protocol/dashboards/shapes';

const summary = (key: string, last: number, min = last, max = last): MetricSummary => ({
  key,
  last,
  lastStep: 9,
  lastTimestamp: 1,
  min,
  max,
  points: 10,
});
const metricsOf = (entries: Record<string, number>) => new Map(Object.entries(entries).map(([key, value]) => [key, summary(key, value)]));

describe('run diff', () => {
  test('two runs: each param is marked changed, onlyLeft, onlyRight or equal, and nothing else', () => {
    const left = new Map([
      ['lr', '0.01'],
      ['depth', '6'],
      ['seed', '42'],
      ['optimizer', 'adam'],
    ]);
    const right = new Map([
      ['lr', '0.1'],
      ['depth', '6'],
      ['seed', '42'],
      ['dropout', '0.5'],
    ]);
    const rows = diffKeyValues([left, right]);
    assert.deepEqual(
      rows.map((row) => [row.key, row.status, row.differs, row.values]),
      [
        ['depth', 'equal', false, ['6', '6']],
        ['dropout', 'onlyRight', true, [null, '0.5']],
        ['lr', 'changed', true, ['0.01', '0.1']],
        ['optimizer', 'onlyLeft', true, ['adam', null]],
        ['seed', 'equal', false, ['42', '42']],
      ],
    );
    assert.deepEqual(
      onlyDiffering(rows, true).map((row) => row.key),
      ['dropout', 'lr', 'optimizer'],
    );
    assert.equal(onlyDiffering(rows, false).length, rows.length);
  });

  test('values compare as exact strings: "0.10" and "0.1" differ, as the store keeps them', () => {
    const [row] = diffKeyValues([new Map([['lr', '0.10']]), new Map([['lr', '0.1']])]);
    assert.equal(row.status, 'changed');
  });

  test('three or more runs: a row differs when any value differs; partial when some lack the key', () => {
    const runs = [
      new Map([['a', '1'], ['b', '1'], ['c', 'x']]),
      new Map([['a', '1'], ['b', '2'], ['c', 'x']]),
      new Map([['a', '1'], ['b', '1']]),
    ];
    const byKey = Object.fromEntries(diffKeyValues(runs).map((row) => [row.key, row]));
    assert.equal(byKey.a.status, 'equal');
    assert.equal(byKey.a.differs, false);
    assert.equal(byKey.b.status, 'changed');
    assert.equal(byKey.c.status, 'partial');
    assert.deepEqual(byKey.c.values, ['x', 'x', null]);
  });

  test('direction: lower for loss- and error-like words, higher otherwise', () => {
    const lower = ['loss', 'val_loss', 'train/rmse', 'test-error', 'eval.mae', 'mape', 'valLoss', 'perplexity', 'total_cost', 'err', 'mse'];
    const higher = ['accuracy', 'f1', 'auc', 'lossless_ratio', 'errand', 'r2', 'reward', 'msec'];
    for (const key of lower) assert.equal(directionByName(key), 'lower', key);
    for (const key of higher) assert.equal(directionByName(key), 'higher', key);
    assert.deepEqual(resolveDirection('val_loss', { val_loss: 'higher' }), { direction: 'higher', source: 'override' });
    assert.deepEqual(resolveDirection('accuracy', { val_loss: 'higher' }), { direction: 'higher', source: 'name' });
    // A key named like an Object.prototype member is not an override.
    assert.deepEqual(resolveDirection('constructor', {}), { direction: 'higher', source: 'name' });
  });

  test('metric rows: absolute and relative deltas against the first run, and the better side by direction', () => {
    const rows = diffMetrics([metricsOf({ rmse: 0.5, accuracy: 0.8, steps: 3 }), metricsOf({ rmse: 0.4, accuracy: 0.9, steps: 3 })]);
    const byKey = Object.fromEntries(rows.map((row) => [row.key, row]));
    assert.equal(byKey.rmse.direction, 'lower');
    assert.deepEqual(byKey.rmse.best, [1]);
    assert.equal(byKey.rmse.deltas[0], null);
    assert.ok(Math.abs(byKey.rmse.deltas[1]!.absolute - (0.4 - 0.5)) < 1e-15);
    assert.ok(Math.abs(byKey.rmse.deltas[1]!.relative! - (0.4 - 0.5) / 0.5) < 1e-15);
    assert.equal(byKey.accuracy.direction, 'higher');
    assert.deepEqual(byKey.accuracy.best, [1]);
    assert.equal(byKey.steps.status, 'equal');
    assert.deepEqual(byKey.steps.best, [], 'a tie has no better side');

    const overridden = diffMetrics([metricsOf({ rmse: 0.5 }), metricsOf({ rmse: 0.4 })], { directions: { rmse: 'higher' } });
    assert.deepEqual(overridden[0].best, [0]);
    assert.equal(overridden[0].directionSource, 'override');
  });

  test('metric rows compare the chosen aggregation', () => {
    const left = new Map([['loss', summary('loss', 0.3, 0.1, 0.9)]]);
    const right = new Map([['loss', summary('loss', 0.2, 0.15, 0.8)]]);
    assert.deepEqual(diffMetrics([left, right])[0].best, [1]);
    assert.deepEqual(diffMetrics([left, right], { aggregation: 'min' })[0].best, [0]);
  });

  test('deltas: relative is null against a zero or non-finite baseline; NaN never wins', () => {
    assert.deepEqual(delta(2, 0), { absolute: 2, relative: null });
    assert.equal(delta(2, Infinity).relative, null);
    assert.deepEqual(delta(3, -2), { absolute: 5, relative: 2.5 });
    assert.deepEqual(bestIndexes([NaN, 1, 2], 'higher'), [2]);
    assert.deepEqual(bestIndexes([NaN, 1], 'higher'), []);
    assert.deepEqual(bestIndexes([3, null, 1, 1], 'lower'), [2, 3]);
  });

  test('a metric only one run logged is onlyLeft/onlyRight with no delta; NaN equals NaN', () => {
    const rows = diffMetrics([metricsOf({ a: 1, n: NaN }), metricsOf({ b: 2, n: NaN })]);
    const byKey = Object.fromEntries(rows.map((row) => [row.key, row]));
    assert.equal(byKey.a.status, 'onlyLeft');
    assert.equal(byKey.b.status, 'onlyRight');
    assert.deepEqual(byKey.b.deltas, [null, null]);
    assert.equal(byKey.n.status, 'equal');
  });
});
