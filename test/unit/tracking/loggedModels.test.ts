import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ErrorCode } from '../../../src/core/errors';
import type { TrackingStore } from '../../../src/core/store/trackingStore';
import { countRows, expectMlflowError, openTrackingStore } from './support/trackingFixture';

describe('logged models, inputs and outputs', () => {
  let store: TrackingStore;
  let experimentId: string;
  let runId: string;

  beforeEach(async () => {
    store = await openTrackingStore();
    experimentId = store.createExperiment({ name: 'models' });
    runId = store.createRun({ experimentId }).info.run_id;
  });
  afterEach(() => store.db.close());

  test('create: m-<32 hex> id, artifacts under models/<id>, PENDING, params and tags', () => {
    const before = Date.now();
    const model = store.createLoggedModel({
      experimentId,
      name: 'random_forest_model',
      sourceRunId: runId,
      params: [{ key: 'n_estimators', value: '100' }],
      tags: [
        { key: 'mlflow.user', value: 'root' },
        { key: 'mlflow.source.name', value: 'goal_a.py' },
      ],
    });
    const info = model.info;
    assert.match(info.model_id, /^m-[0-9a-f]{32}$/);
    assert.equal(info.artifact_uri, `mlflow-artifacts:/${experimentId}/models/${info.model_id}/artifacts`);
    assert.equal(info.status, 'LOGGED_MODEL_PENDING');
    assert.equal(info.model_type, '');
    assert.equal(info.source_run_id, runId);
    assert.ok(info.creation_timestamp_ms >= before);
    assert.deepEqual(info.tags, [
      { key: 'mlflow.source.name', value: 'goal_a.py' },
      { key: 'mlflow.user', value: 'root' },
    ]);
    assert.deepEqual(model.data, { params: [{ key: 'n_estimators', value: '100' }] });
    assert.deepEqual(store.getLoggedModel(info.model_id), model);
    assert.match(store.createLoggedModel({ experimentId }).info.name, /^[a-z]+-[a-z]+-\d+$/, 'a name is generated when absent');
  });

  test('create refuses bad names and missing or deleted experiments', () => {
    expectMlflowError(() => store.createLoggedModel({ experimentId, name: 'a/b' }), ErrorCode.InvalidParameterValue, /Invalid model name/);
    expectMlflowError(() => store.createLoggedModel({ experimentId: '77' }), ErrorCode.ResourceDoesNotExist);
    const gone = store.createExperiment({ name: 'gone' });
    store.deleteExperiment(gone);
    expectMlflowError(() => store.createLoggedModel({ experimentId: gone }), ErrorCode.InvalidParameterValue, /active/);
    assert.equal(countRows(store, 'logged_models'), 0);
  });

  test('finalize, tags, params, delete', () => {
    const id = store.createLoggedModel({ experimentId, sourceRunId: runId }).info.model_id;
    const ready = store.finalizeLoggedModel(id, 'LOGGED_MODEL_READY');
    assert.equal(ready.info.status, 'LOGGED_MODEL_READY');
    assert.ok(ready.info.last_updated_timestamp_ms >= ready.info.creation_timestamp_ms);

    store.setLoggedModelTags(id, [{ key: 'mlflow.modelVersions', value: '[{"name": "rf", "version": 1}]' }]);
    store.setLoggedModelTags(id, [{ key: 'mlflow.modelVersions', value: '[]' }, { key: 'stage', value: 'dev' }]);
    assert.deepEqual(store.getLoggedModel(id).info.tags, [
      { key: 'mlflow.modelVersions', value: '[]' },
      { key: 'stage', value: 'dev' },
    ]);
    store.deleteLoggedModelTag(id, 'stage');
    expectMlflowError(() => store.deleteLoggedModelTag(id, 'stage'), ErrorCode.ResourceDoesNotExist, /No tag with key 'stage'/);
    store.logLoggedModelParams(id, [{ key: 'alpha', value: '0.5' }]);
    assert.deepEqual(store.getLoggedModel(id).data.params, [{ key: 'alpha', value: '0.5' }]);

    store.deleteLoggedModel(id);
    expectMlflowError(() => store.getLoggedModel(id), ErrorCode.ResourceDoesNotExist, new RegExp(`Logged model with ID '${id}' not found.`));
    assert.equal(countRows(store, 'logged_models', 'model_id = ?', [id]), 1, 'deleting is lifecycle only');
    for (const unknown of [
      () => store.finalizeLoggedModel('m-nope', 'LOGGED_MODEL_READY'),
      () => store.setLoggedModelTags('m-nope', []),
      () => store.deleteLoggedModel('m-nope'),
    ]) {
      expectMlflowError(unknown, ErrorCode.ResourceDoesNotExist);
    }
  });

  test('search by filter and order; metrics logged with the model id belong to it', () => {
    const ids = ['alpha', 'beta', 'gamma'].map((name) => store.createLoggedModel({ experimentId, name, sourceRunId: runId }).info.model_id);
    store.logBatch(runId, {
      metrics: ids.map((modelId, i) => ({ key: 'accuracy', value: [0.7, 0.9, 0.8][i], timestamp: 5, step: i, modelId })),
    });
    const names = (request: Partial<Parameters<TrackingStore['searchLoggedModels']>[0]>) =>
      store.searchLoggedModels({ experimentIds: [experimentId], ...request }).models.map((model) => model.info.name);
    assert.deepEqual(names({ filter: "name = 'beta'" }), ['beta']);
    assert.deepEqual(names({ orderBy: [{ field_name: 'metrics.accuracy', ascending: false }] }), ['beta', 'gamma', 'alpha']);
    assert.deepEqual(names({ filter: 'metrics.accuracy > 0.75', orderBy: [{ field_name: 'name' }] }), ['beta', 'gamma']);
    assert.deepEqual(store.getLoggedModel(ids[1]).data.metrics, [
      { key: 'accuracy', value: 0.9, timestamp: 5, step: 1, model_id: ids[1], run_id: runId },
    ]);
    const page = store.searchLoggedModels({ experimentIds: [experimentId], maxResults: 2 });
    assert.equal(page.models.length, 2);
    const rest = store.searchLoggedModels({ experimentIds: [experimentId], maxResults: 2, pageToken: page.nextPageToken });
    assert.equal(rest.models.length, 1);
  });

  test('inputs: datasets are stored once per experiment, name and digest; model inputs and outputs', () => {
    const dataset = { name: 'dataset', digest: '36d02d7a', source_type: 'code', source: '{}', schema: '{"s": 1}' };
    const other = store.createRun({ experimentId }).info.run_id;
    store.logInputs(runId, [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'train' }] }]);
    store.logInputs(runId, [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'eval' }] }]);
    store.logInputs(other, [{ dataset }], ['m-input']);
    assert.equal(countRows(store, 'datasets'), 1);
    assert.deepEqual(store.getRun(runId).inputs, {
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
    });
    assert.deepEqual(store.getRun(other).inputs, {
      dataset_inputs: [{ dataset }],
      model_inputs: [{ model_id: 'm-input' }],
    });
    const elsewhere = store.createRun({ experimentId: store.createExperiment({ name: 'elsewhere' }) }).info.run_id;
    store.logInputs(elsewhere, [{ dataset }]);
    assert.equal(countRows(store, 'datasets'), 2, 'another experiment keeps its own row');
    expectMlflowError(
      () => store.logInputs(runId, [{ dataset: { ...dataset, digest: 'd'.repeat(37) } }]),
      ErrorCode.InvalidParameterValue,
      /'digest' exceeds the maximum length of 36/,
    );

    store.logOutputs(runId, [{ modelId: 'm-1', step: 0 }]);
    store.logOutputs(runId, [{ modelId: 'm-1', step: 3 }, { modelId: 'm-2', step: 1 }]);
    assert.deepEqual(store.getRun(runId).outputs, {
      model_outputs: [
        { model_id: 'm-2', step: 1 },
        { model_id: 'm-1', step: 3 },
      ],
    });
  });
});
