import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ErrorCode } from '../../../src/core/errors';
import type { TrackingStore } from '../../../src/core/store/trackingStore';
import { countRows, pointCount, expectMlflowError, openTrackingStore } from './support/trackingFixture';

describe('runs', () => {
  let store: TrackingStore;
  let experimentId: string;

  beforeEach(async () => {
    store = await openTrackingStore();
    experimentId = store.createExperiment({ name: 'runs' });
  });
  afterEach(() => store.db.close());

  test('create: 32-hex id, generated adjective-animal-number name mirrored in mlflow.runName, RUNNING', () => {
    const run = store.createRun({
      experimentId,
      userId: 'root',
      startTime: 1795671066637,
      tags: [{ key: 'mlflow.source.name', value: 'train.py' }],
    });
    const info = run.info;
    assert.match(info.run_id, /^[0-9a-f]{32}$/);
    assert.equal(info.run_uuid, info.run_id);
    assert.match(info.run_name, /^[a-z]+-[a-z]+-\d{1,4}$/);
    assert.equal(info.status, 'RUNNING');
    assert.equal(info.user_id, 'root');
    assert.equal(info.start_time, 1795671066637);
    assert.equal(info.end_time, undefined);
    assert.equal(info.lifecycle_stage, 'active');
    assert.equal(info.artifact_uri, `mlflow-artifacts:/${experimentId}/${info.run_id}/artifacts`);
    assert.deepEqual(run.data.tags, [
      { key: 'mlflow.runName', value: info.run_name },
      { key: 'mlflow.source.name', value: 'train.py' },
    ]);
    assert.deepEqual(run.inputs, {});
    assert.notEqual(store.createRun({ experimentId }).info.run_id, info.run_id);
  });

  test('create: run_name and the mlflow.runName tag must agree; either names the run', () => {
    assert.equal(store.createRun({ experimentId, runName: 'named' }).info.run_name, 'named');
    const byTag = store.createRun({ experimentId, tags: [{ key: 'mlflow.runName', value: 'tagged' }] });
    assert.equal(byTag.info.run_name, 'tagged');
    assert.equal(byTag.data.tags?.filter((tag) => tag.key === 'mlflow.runName').length, 1);
    expectMlflowError(
      () => store.createRun({ experimentId, runName: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }),
      ErrorCode.InvalidParameterValue,
      /different values/,
    );
  });

  test('create: tag names are taken as the client sends them (as MLflow); over-long values are refused', () => {
    const run = store.createRun({ experimentId, tags: [{ key: 'weird#key', value: 'x' }] });
    assert.equal(run.data.tags?.find((tag) => tag.key === 'weird#key')?.value, 'x');
    expectMlflowError(
      () => store.createRun({ experimentId, tags: [{ key: 'long', value: 'v'.repeat(8001) }] }),
      ErrorCode.InvalidParameterValue,
      /'tags\[0\]\.value' exceeds the maximum length of 8000/,
    );
    assert.equal(countRows(store, 'runs'), 1);
  });

  test('create: no experiment means Default; an unknown experiment is RESOURCE_DOES_NOT_EXIST', () => {
    const run = store.createRun({ startTime: 5 });
    assert.equal(run.info.experiment_id, '0');
    assert.equal(run.info.artifact_uri, `mlflow-artifacts:/0/${run.info.run_id}/artifacts`);
    expectMlflowError(() => store.createRun({ experimentId: '42' }), ErrorCode.ResourceDoesNotExist, /id=42/);
  });

  test('get: data holds latest metrics, params and tags; unknown runs are RESOURCE_DOES_NOT_EXIST', () => {
    const runId = store.createRun({ experimentId, runName: 'r' }).info.run_id;
    store.logParam(runId, 'n_estimators', '100');
    store.logMetric(runId, { key: 'mse', value: 2.5, timestamp: 10, step: 0 });
    store.logMetric(runId, { key: 'mse', value: 1.5, timestamp: 11, step: 1 });
    const run = store.getRun(runId);
    assert.deepEqual(run.data.metrics, [{ key: 'mse', value: 1.5, timestamp: 11, step: 1 }]);
    assert.deepEqual(run.data.params, [{ key: 'n_estimators', value: '100' }]);
    assert.deepEqual(run.outputs, {});
    expectMlflowError(
      () => store.getRun('0123456789abcdef0123456789abcdef'),
      ErrorCode.ResourceDoesNotExist,
      /^Run with id=0123456789abcdef0123456789abcdef not found$/,
    );
  });

  test('update: status and end time; a new name also rewrites the mlflow.runName tag', () => {
    const runId = store.createRun({ experimentId, runName: 'before' }).info.run_id;
    const info = store.updateRun(runId, { status: 'FINISHED', endTime: 1795671073306, runName: 'after' });
    assert.equal(info.status, 'FINISHED');
    assert.equal(info.end_time, 1795671073306);
    assert.equal(info.run_name, 'after');
    const run = store.getRun(runId);
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.data.tags?.find((tag) => tag.key === 'mlflow.runName')?.value, 'after');
    const unchanged = store.updateRun(runId, {});
    assert.equal(unchanged.run_name, 'after');
    assert.equal(unchanged.status, 'FINISHED');
  });

  test('setting the mlflow.runName tag renames the run', () => {
    const runId = store.createRun({ experimentId }).info.run_id;
    store.setTag(runId, 'mlflow.runName', 'renamed');
    assert.equal(store.getRun(runId).info.run_name, 'renamed');
    store.logBatch(runId, { tags: [{ key: 'mlflow.runName', value: 'by-batch' }] });
    assert.equal(store.getRun(runId).info.run_name, 'by-batch');
  });

  test('delete and restore are lifecycle only; writes to a deleted run are refused as MLflow refuses them', () => {
    const runId = store.createRun({ experimentId }).info.run_id;
    store.logMetric(runId, { key: 'loss', value: 1, timestamp: 1, step: 0 });
    store.deleteRun(runId);
    assert.equal(store.getRun(runId).info.lifecycle_stage, 'deleted');
    const notActive = new RegExp(`^The run ${runId} must be in the 'active' state. Current state is deleted.$`);
    const refused: (() => unknown)[] = [
      () => store.logMetric(runId, { key: 'loss', value: 2, timestamp: 2, step: 1 }),
      () => store.logParam(runId, 'p', '1'),
      () => store.setTag(runId, 't', '1'),
      () => store.deleteTag(runId, 'mlflow.runName'),
      () => store.logBatch(runId, { params: [{ key: 'q', value: '1' }] }),
      () => store.updateRun(runId, { status: 'FINISHED' }),
      () => store.logInputs(runId, [], ['m-1']),
      () => store.logOutputs(runId, [{ modelId: 'm-1', step: 0 }]),
    ];
    for (const write of refused) expectMlflowError(write, ErrorCode.InvalidParameterValue, notActive);
    assert.equal(pointCount(store, runId), 1, 'the refused writes left nothing');
    assert.equal(countRows(store, 'params', 'run_id = ?', [runId]), 0);
    store.restoreRun(runId);
    assert.equal(store.getRun(runId).info.lifecycle_stage, 'active');
    assert.equal(store.getRun(runId).data.metrics?.length, 1);
    expectMlflowError(() => store.deleteRun('nope'), ErrorCode.ResourceDoesNotExist);
  });

  test('purge removes the run and every row of its own, unlike delete', () => {
    const runId = store.createRun({ experimentId }).info.run_id;
    const kept = store.createRun({ experimentId }).info.run_id;
    for (const id of [runId, kept]) {
      store.logBatch(id, { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }], params: [{ key: 'p', value: '1' }] });
      store.logOutputs(id, [{ modelId: 'm-1', step: 0 }]);
    }
    store.purgeRun(runId);
    expectMlflowError(() => store.getRun(runId), ErrorCode.ResourceDoesNotExist);
    for (const table of ['runs', 'latest_metrics', 'params', 'tags', 'run_outputs']) {
      assert.equal(countRows(store, table, 'run_id = ?', [runId]), 0, table);
      assert.ok(countRows(store, table, 'run_id = ?', [kept]) > 0, `${table} of the other run stays`);
    }
    assert.deepEqual(store.getMetricHistory(kept, 'm').metrics.map((point) => point.value), [1], 'the other run keeps its history');
    expectMlflowError(() => store.purgeRun(runId), ErrorCode.ResourceDoesNotExist);
  });

  test('tags: set replaces, delete removes, a missing tag is RESOURCE_DOES_NOT_EXIST', () => {
    const runId = store.createRun({ experimentId }).info.run_id;
    store.setTag(runId, 'team', 'ml');
    store.setTag(runId, 'team', 'research');
    assert.equal(store.getRun(runId).data.tags?.find((tag) => tag.key === 'team')?.value, 'research');
    store.deleteTag(runId, 'team');
    assert.equal(store.getRun(runId).data.tags?.find((tag) => tag.key === 'team'), undefined);
    expectMlflowError(() => store.deleteTag(runId, 'team'), ErrorCode.ResourceDoesNotExist, /No tag with name: team/);
    expectMlflowError(() => store.setTag(runId, 'bad*key', 'x'), ErrorCode.InvalidParameterValue, /Names may only contain/);
    expectMlflowError(() => store.setTag(runId, 'long', 'x'.repeat(8001)), ErrorCode.InvalidParameterValue, /8000/);
    store.setTag(runId, 'long', 'x'.repeat(8000));
  });

  test('search: filter on metrics and params, order, view type and pages', () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const runId = store.createRun({ experimentId, runName: `run-${i}`, startTime: 1000 + i }).info.run_id;
      store.logBatch(runId, {
        metrics: [{ key: 'mse', value: i / 4, timestamp: 1, step: 0 }],
        params: [{ key: 'depth', value: String(i % 2) }],
      });
      ids.push(runId);
    }
    store.deleteRun(ids[4]);
    const names = (request: Partial<Parameters<TrackingStore['searchRuns']>[0]>) =>
      store.searchRuns({ experimentIds: [experimentId], ...request }).runs.map((run) => run.info.run_name);

    assert.deepEqual(names({}), ['run-3', 'run-2', 'run-1', 'run-0'], 'newest first, deleted runs left out');
    assert.deepEqual(names({ filter: 'metrics.mse < 0.5' }), ['run-1', 'run-0']);
    assert.deepEqual(names({ filter: "params.depth = '1'", orderBy: ['metrics.mse DESC'] }), ['run-3', 'run-1']);
    assert.deepEqual(names({ runViewType: 'DELETED_ONLY' }), ['run-4']);
    assert.equal(names({ runViewType: 'ALL' }).length, 5);

    const first = store.searchRuns({ experimentIds: [experimentId], maxResults: 3, orderBy: ['attributes.start_time ASC'] });
    assert.deepEqual(
      first.runs.map((run) => run.info.run_name),
      ['run-0', 'run-1', 'run-2'],
    );
    const rest = store.searchRuns({
      experimentIds: [experimentId],
      maxResults: 3,
      orderBy: ['attributes.start_time ASC'],
      pageToken: first.nextPageToken,
    });
    assert.deepEqual(
      rest.runs.map((run) => run.info.run_name),
      ['run-3'],
    );
    assert.equal(rest.nextPageToken, undefined);
    const withData = store.searchRuns({ experimentIds: [experimentId], filter: "attributes.run_name = 'run-2'" }).runs[0];
    assert.deepEqual(withData.data.metrics, [{ key: 'mse', value: 0.5, timestamp: 1, step: 0 }]);
    assert.deepEqual(withData.data.params, [{ key: 'depth', value: '0' }]);
    expectMlflowError(
      () => store.searchRuns({ experimentIds: [experimentId], filter: 'metrics.mse <<< 1' }),
      ErrorCode.InvalidParameterValue,
    );
  });
});
