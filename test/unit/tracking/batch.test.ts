import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ErrorCode } from '../../../src/core/errors';
import type { MetricInput } from '../../../src/core/store/tracking/metricWrites';
import type { TrackingStore } from '../../../src/core/store/trackingStore';
import { countRows, pointCount, expectMlflowError, openTrackingStore } from './support/trackingFixture';

const metricsOf = (count: number, key = 'm'): MetricInput[] =>
  Array.from({ length: count }, (_, step) => ({ key, value: step, timestamp: 1, step }));
const entriesOf = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

describe('params and log-batch', () => {
  let store: TrackingStore;
  let runId: string;

  beforeEach(async () => {
    store = await openTrackingStore();
    runId = store.createRun({ experimentId: store.createExperiment({ name: 'batch' }) }).info.run_id;
  });
  afterEach(() => store.db.close());

  const stored = () => ({
    metrics: pointCount(store, runId),
    latest: countRows(store, 'latest_metrics', 'run_id = ?', [runId]),
    params: countRows(store, 'params', 'run_id = ?', [runId]),
    tags: countRows(store, 'tags', 'run_id = ?', [runId]),
  });

  test('a param is immutable: the same value again is accepted, another value is refused with MLflow\'s message', () => {
    store.logParam(runId, 'lr', '0.01');
    store.logParam(runId, 'lr', '0.01');
    const error = expectMlflowError(() => store.logParam(runId, 'lr', '0.1'), ErrorCode.InvalidParameterValue);
    assert.equal(
      error.message,
      `Changing param values is not allowed. Param with key='lr' was already logged with value='0.01' for run ID='${runId}'. Attempted logging new value '0.1'.`,
    );
    assert.deepEqual(store.getRun(runId).data.params, [{ key: 'lr', value: '0.01' }]);
  });

  test('params in a batch: repeats of a logged value pass, a changed value fails the whole batch', () => {
    store.logBatch(runId, { params: [{ key: 'depth', value: '5' }] });
    store.logBatch(runId, { params: [{ key: 'depth', value: '5' }, { key: 'optimizer', value: 'adam' }] });
    assert.equal(stored().params, 2);
    const before = stored();
    expectMlflowError(
      () =>
        store.logBatch(runId, {
          metrics: metricsOf(10),
          params: [{ key: 'fresh', value: '1' }, { key: 'depth', value: '6' }],
          tags: [{ key: 'team', value: 'ml' }],
        }),
      ErrorCode.InvalidParameterValue,
      /Changing param values is not allowed. Params were already logged=.*'key': 'depth', 'old_value': '5', 'new_value': '6'/,
    );
    assert.deepEqual(stored(), before, 'all or nothing: no metric, param or tag of the refused batch was stored');
    expectMlflowError(
      () => store.logBatch(runId, { params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }] }),
      ErrorCode.InvalidParameterValue,
      /Duplicate parameter keys have been submitted: \['a'\]/,
    );
  });

  test('one batch stores metrics, params and tags together', () => {
    store.logBatch(runId, {
      metrics: [...metricsOf(3, 'loss'), ...metricsOf(2, 'acc')],
      params: entriesOf(3, 'p'),
      tags: [...entriesOf(2, 't'), { key: 't0', value: 'last wins' }],
    });
    const run = store.getRun(runId);
    assert.deepEqual(
      run.data.metrics?.map((metric) => [metric.key, metric.step]),
      [
        ['acc', 1],
        ['loss', 2],
      ],
    );
    assert.equal(run.data.params?.length, 3);
    assert.equal(run.data.tags?.find((tag) => tag.key === 't0')?.value, 'last wins');
    assert.equal(stored().metrics, 5);
  });

  test('MLflow\'s batch limits: 1,000 metrics, 100 params, 100 tags, 1,000 in all; at the limit is fine', () => {
    const cases: [Parameters<TrackingStore['logBatch']>[1], RegExp][] = [
      [{ metrics: metricsOf(1001) }, /at most 1000 metrics. Got 1001 metrics/],
      [{ params: entriesOf(101, 'p') }, /at most 100 params. Got 101 params/],
      [{ tags: entriesOf(101, 't') }, /at most 100 tags. Got 101 tags/],
      [{ metrics: metricsOf(950), params: entriesOf(51, 'p') }, /at most 1000 metrics, params, and tags. Got 1001/],
    ];
    for (const [batch, message] of cases) expectMlflowError(() => store.logBatch(runId, batch), ErrorCode.InvalidParameterValue, message);
    assert.deepEqual(stored(), { metrics: 0, latest: 0, params: 0, tags: 1 }, 'only the mlflow.runName tag of create');
    store.logBatch(runId, { metrics: metricsOf(900), params: entriesOf(50, 'p'), tags: entriesOf(50, 't') });
    assert.equal(stored().metrics, 900);
  });

  test('one bad entry refuses the batch, and the message says which', () => {
    const before = stored();
    expectMlflowError(
      () => store.logBatch(runId, { metrics: [...metricsOf(5), { key: '/abs', value: 1, timestamp: 1, step: 0 }] }),
      ErrorCode.InvalidParameterValue,
      /parameter 'metrics\[5\]\.name'/,
    );
    expectMlflowError(
      () => store.logBatch(runId, { params: [{ key: 'ok', value: 'x' }, { key: 'long', value: 'v'.repeat(6001) }] }),
      ErrorCode.InvalidParameterValue,
      /'Param value' exceeds the maximum length of 6000 characters/,
    );
    expectMlflowError(
      () => store.logBatch(runId, { tags: [{ key: 'x', value: 'v'.repeat(8001) }] }),
      ErrorCode.InvalidParameterValue,
      /'tags\[0\]\.value' exceeds the maximum length of 8000 characters/,
    );
    expectMlflowError(() => store.logBatch('missing-run', { metrics: metricsOf(1) }), ErrorCode.ResourceDoesNotExist);
    assert.deepEqual(stored(), before);
    store.logParam(runId, 'long', 'v'.repeat(6000));
  });
});
