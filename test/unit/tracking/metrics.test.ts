import assert from 'node:assert/strict';
import { encodeOffsetToken } from '../../../src/core/search/paging';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ErrorCode } from '../../../src/core/errors';
import type { MetricInput } from '../../../src/core/store/tracking/metricWrites';
import type { TrackingStore } from '../../../src/core/store/trackingStore';
import { pointCount, expectMlflowError, openTrackingStore } from './support/trackingFixture';

interface LatestRow {
  value: number | null;
  is_nan: number;
  step: number;
  timestamp: number;
  min_value: number | null;
  max_value: number | null;
  point_count: number;
}

describe('metrics', () => {
  let store: TrackingStore;
  let runId: string;

  beforeEach(async () => {
    store = await openTrackingStore();
    runId = store.createRun({ experimentId: store.createExperiment({ name: 'metrics' }) }).info.run_id;
  });
  afterEach(() => store.db.close());

  const latestRow = (key: string): LatestRow | undefined =>
    store.db.get<LatestRow>(
      'SELECT value, is_nan, step, timestamp, min_value, max_value, point_count FROM latest_metrics WHERE run_id = ? AND key = ?',
      [runId, key],
    );

  test('NaN, +Infinity and -Infinity come back exactly through log-metric and get-history', () => {
    const values = [NaN, Infinity, -Infinity, -0.5, 1e308, Number.MIN_VALUE];
    values.forEach((value, step) => store.logMetric(runId, { key: 'odd', value, timestamp: 100 + step, step }));
    const history = store.getMetricHistory(runId, 'odd').metrics;
    assert.equal(history.length, values.length);
    history.forEach((point, index) => assert.ok(Object.is(point.value, values[index]), `${point.value} vs ${values[index]}`));
    const latest = store.getRun(runId).data.metrics?.[0];
    assert.ok(Object.is(latest?.value, Number.MIN_VALUE));

    store.logBatch(runId, { metrics: [{ key: 'nan-last', value: NaN, timestamp: 1, step: 9 }] });
    const nanLatest = store.getRun(runId).data.metrics?.find((metric) => metric.key === 'nan-last');
    assert.ok(Number.isNaN(nanLatest?.value));
    assert.deepEqual(latestRow('nan-last'), {
      value: null,
      is_nan: 1,
      step: 9,
      timestamp: 1,
      min_value: null,
      max_value: null,
      point_count: 1,
    });
  });

  test('latest is the greatest step, then the greatest timestamp, whatever order points arrive in', () => {
    const points: [number, number, number][] = [
      // [step, timestamp, value]
      [5, 500, 5],
      [2, 900, 2],
      [7, 100, 7],
      [7, 50, 70],
      [3, 1000, 3],
    ];
    for (const [step, timestamp, value] of points) store.logMetric(runId, { key: 'loss', value, timestamp, step });
    assert.deepEqual(store.getRun(runId).data.metrics, [{ key: 'loss', value: 7, timestamp: 100, step: 7 }]);
    const row = latestRow('loss');
    assert.equal(row?.min_value, 2);
    assert.equal(row?.max_value, 70);
    assert.equal(row?.point_count, 5);

    // The same rule inside one batch, and across batches.
    store.logBatch(runId, {
      metrics: [
        { key: 'acc', value: 0.9, timestamp: 10, step: 4 },
        { key: 'acc', value: 0.1, timestamp: 99, step: 1 },
        { key: 'acc', value: 0.95, timestamp: 11, step: 4 },
      ],
    });
    store.logBatch(runId, { metrics: [{ key: 'acc', value: 0.2, timestamp: 200, step: 3 }] });
    const acc = latestRow('acc');
    assert.deepEqual([acc?.value, acc?.step, acc?.timestamp], [0.95, 4, 11]);
    assert.deepEqual([acc?.min_value, acc?.max_value, acc?.point_count], [0.1, 0.95, 4]);
  });

  test('a point identical to one already logged is stored once; a repeat naming a model links it', () => {
    const point = { key: 'mse', value: 2794.55, timestamp: 1795671067097, step: 0 };
    store.logMetric(runId, point);
    store.logMetric(runId, point);
    store.logBatch(runId, { metrics: [point, point] });
    assert.equal(store.getMetricHistory(runId, 'mse').metrics.length, 1);
    assert.equal(latestRow('mse')?.point_count, 1);

    const model = store.createLoggedModel({ experimentId: store.getRun(runId).info.experiment_id, sourceRunId: runId });
    store.logBatch(runId, { metrics: [{ ...point, modelId: model.info.model_id }] });
    assert.equal(store.getMetricHistory(runId, 'mse').metrics.length, 1, 'still one point in the run history');
    assert.deepEqual(store.getLoggedModel(model.info.model_id).data.metrics, [
      { ...point, model_id: model.info.model_id, run_id: runId },
    ]);
  });

  test('a page read a slice at a time is the page as it was asked for; a purge between slices is the run not found', () => {
    const total = 3000;
    // Logged out of order, so the page comes from a sort of the history, as well as in order.
    const shuffled = Array.from({ length: total }, (_, i) => (i * 7919) % total);
    for (let start = 0; start < total; start += 1000) {
      const steps = shuffled.slice(start, start + 1000);
      store.logBatch(runId, { metrics: steps.map((step) => ({ key: 'shuffled', value: step / 10, timestamp: 1000 + step, step })) });
      store.logBatch(runId, { metrics: steps.map((_, i) => ({ key: 'rising', value: i, timestamp: 1000, step: start + i })) });
    }
    for (const key of ['shuffled', 'rising']) {
      const expected = store.getMetricHistory(runId, key, { maxResults: 2000, pageToken: encodeOffsetToken(500) }).metrics.map((point) => point.step);
      const page = store.metricHistoryPage(runId, key, { maxResults: 2000, pageToken: encodeOffsetToken(500) });
      const first = page.read(0, 700);
      // Points logged between slices, some before the page's steps: the page does not move.
      store.logBatch(runId, { metrics: [{ key, value: 1, timestamp: 1, step: -1 }, { key, value: 1, timestamp: 1, step: 5000 }] });
      const rest = page.read(700, 5000);
      assert.deepEqual([...first.steps, ...rest.steps], expected, key);
      assert.equal(page.nextPageToken, encodeOffsetToken(2500));
    }
    store.logBatch(runId, { metrics: Array.from({ length: 100 }, (_, step) => ({ key: 'in order', value: step, timestamp: 1, step })) });
    const page = store.metricHistoryPage(runId, 'in order', {});
    assert.equal(page.read(0, 10).steps.length, 10);
    store.purgeRun(runId);
    expectMlflowError(() => page.read(10, 10), ErrorCode.ResourceDoesNotExist);
  });

  test('history: ordered by step then timestamp, in pages that join up exactly', () => {
    const total = 2500;
    const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => ((a * 7919) % total) - ((b * 7919) % total));
    for (let start = 0; start < total; start += 1000) {
      store.logBatch(runId, {
        metrics: order.slice(start, start + 1000).map((step) => ({ key: 'curve', value: step / 10, timestamp: 1000 + step, step })),
      });
    }
    const all = store.getMetricHistory(runId, 'curve');
    assert.deepEqual(
      all.metrics.map((point) => point.step),
      Array.from({ length: total }, (_, i) => i),
    );
    assert.equal(all.nextPageToken, undefined);

    const pages: number[][] = [];
    let token: string | undefined;
    do {
      const page = store.getMetricHistory(runId, 'curve', { maxResults: 1000, pageToken: token });
      pages.push(page.metrics.map((point) => point.step));
      token = page.nextPageToken;
    } while (token !== undefined);
    assert.deepEqual(
      pages.map((page) => page.length),
      [1000, 1000, 500],
    );
    assert.deepEqual(pages.flat(), all.metrics.map((point) => point.step));

    const exact = store.getMetricHistory(runId, 'curve', { maxResults: total });
    assert.equal(exact.nextPageToken, undefined, 'no token when nothing follows');
    assert.deepEqual(store.getMetricHistory(runId, 'absent').metrics, []);
    expectMlflowError(() => store.getMetricHistory(runId, 'curve', { maxResults: 0 }), ErrorCode.InvalidParameterValue);
    expectMlflowError(() => store.getMetricHistory(runId, 'curve', { pageToken: 'not a token' }), ErrorCode.InvalidParameterValue);
    expectMlflowError(() => store.getMetricHistory('nope', 'curve'), ErrorCode.ResourceDoesNotExist);
  });

  test('25,000 points in batches of 1,000 come back whole, in one page of max_results 25,000', () => {
    for (let batch = 0; batch < 25; batch += 1) {
      const metrics: MetricInput[] = [];
      for (let i = 0; i < 1000; i += 1) {
        const step = batch * 1000 + i;
        metrics.push({ key: 'long', value: Math.sin(step), timestamp: 1_700_000_000_000 + step, step });
      }
      store.logBatch(runId, { metrics });
    }
    const page = store.getMetricHistory(runId, 'long', { maxResults: 25000 });
    assert.equal(page.metrics.length, 25000);
    assert.equal(page.nextPageToken, undefined);
    assert.equal(page.metrics[24999].value, Math.sin(24999));
    assert.equal(latestRow('long')?.point_count, 25000);
  });

  test('metric validation: names, values, timestamps', () => {
    expectMlflowError(
      () => store.logMetric(runId, { key: 'a//b', value: 1, timestamp: 1, step: 0 }),
      ErrorCode.InvalidParameterValue,
      /parameter 'name' supplied: Names may be treated as files/,
    );
    expectMlflowError(
      () => store.logMetric(runId, { key: 'bad"quote', value: 1, timestamp: 1, step: 0 }),
      ErrorCode.InvalidParameterValue,
      /Names may only contain/,
    );
    expectMlflowError(() => store.logMetric(runId, { key: 'neg', value: 1, timestamp: -1, step: 0 }), ErrorCode.InvalidParameterValue, /timestamp/);
    expectMlflowError(() => store.logMetric(runId, { key: 'frac', value: 1, timestamp: 1, step: 0.5 }), ErrorCode.InvalidParameterValue, /step/);
    expectMlflowError(() => store.logMetric(runId, { key: 'k'.repeat(251), value: 1, timestamp: 1, step: 0 }), ErrorCode.InvalidParameterValue, /250/);
    expectMlflowError(() => store.logMetric('nope', { key: 'a', value: 1, timestamp: 1, step: 0 }), ErrorCode.ResourceDoesNotExist, /^Run with id=nope not found$/);
    store.logMetric(runId, { key: 'ok/name with spaces:and.colon-1', value: 1, timestamp: 1, step: -3 });
    assert.equal(pointCount(store, runId), 1);
  });

  test('several histories at once, for charts', () => {
    store.logBatch(runId, {
      metrics: [
        { key: 'a', value: 1, timestamp: 2, step: 1 },
        { key: 'b', value: 5, timestamp: 1, step: 0 },
        { key: 'a', value: 0, timestamp: 1, step: 0 },
      ],
    });
    const histories = store.getMetricHistories(runId, ['a', 'b', 'none']);
    assert.deepEqual(histories.get('a')?.map((point) => point.value), [0, 1]);
    assert.deepEqual(histories.get('b')?.map((point) => point.value), [5]);
    assert.deepEqual(histories.get('none'), []);
  });

  describe('get-history-bulk-interval', () => {
    test('samples at most max_results steps, keeping each run\'s first and last step, and names the run', () => {
      const other = store.createRun({ experimentId: store.getRun(runId).info.experiment_id }).info.run_id;
      store.logBatch(runId, { metrics: Array.from({ length: 1000 }, (_, step) => ({ key: 'x', value: step, timestamp: step, step })) });
      store.logBatch(other, { metrics: Array.from({ length: 11 }, (_, i) => ({ key: 'x', value: -i, timestamp: i, step: i * 7 })) });
      const points = store.getMetricHistoryBulkInterval({ runIds: [runId, other], metricKey: 'x', maxResults: 10 });
      const ofRun = points.filter((point) => point.run_id === runId).map((point) => point.step);
      const ofOther = points.filter((point) => point.run_id === other).map((point) => point.step);
      assert.ok(ofRun.length <= 14, `sampled ${ofRun.length} steps`);
      assert.ok(ofRun.includes(0) && ofRun.includes(999), 'the first and last step are kept');
      assert.deepEqual(ofRun, [...ofRun].sort((a, b) => a - b));
      assert.ok(ofOther.includes(0) && ofOther.includes(70));

      const windowed = store.getMetricHistoryBulkInterval({ runIds: [runId], metricKey: 'x', startStep: 100, endStep: 110 });
      assert.deepEqual(
        windowed.map((point) => point.step),
        Array.from({ length: 11 }, (_, i) => 100 + i),
      );
    });

    test('refuses what MLflow refuses', () => {
      const request = { runIds: [runId], metricKey: 'x' };
      expectMlflowError(() => store.getMetricHistoryBulkInterval({ ...request, startStep: 1 }), ErrorCode.InvalidParameterValue, /both must be specified/);
      expectMlflowError(() => store.getMetricHistoryBulkInterval({ ...request, startStep: 5, endStep: 1 }), ErrorCode.InvalidParameterValue, /end_step/);
      expectMlflowError(() => store.getMetricHistoryBulkInterval({ ...request, maxResults: 2501 }), ErrorCode.InvalidParameterValue, /between 1 and 2500/);
      expectMlflowError(
        () => store.getMetricHistoryBulkInterval({ ...request, runIds: Array.from({ length: 101 }, (_, i) => String(i)) }),
        ErrorCode.InvalidParameterValue,
        /at most 100 run_ids/,
      );
    });
  });
});
