// The tracking routes through the real server on loopback, as the MLflow client calls them.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Reply } from '../server/support/httpClient';
import { startTestServer, type TestServer } from '../server/support/testServer';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('tracking routes over HTTP', () => {
  let t: TestServer;
  let experimentId: string;

  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t?.close();
  });
  afterEach(() => assert.deepEqual(t.logged, [], 'no request ended in a 500'));

  const api = async (endpoint: string, body: unknown = {}): Promise<Json> => ok(await t.client.api(endpoint, body));
  const get = async (endpoint: string, query: Record<string, string | string[]>): Promise<Reply> => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) for (const item of [value].flat()) params.append(name, item);
    return t.client.get(`/api/2.0/mlflow/${endpoint}?${params}`);
  };
  const ok = (reply: Reply): Json => {
    assert.equal(reply.status, 200, reply.text);
    assert.match(String(reply.headers['content-type']), /application\/json/);
    return reply.json();
  };
  const failure = (reply: Reply, status: number, code: string, message?: RegExp): void => {
    assert.equal(reply.status, status, reply.text);
    const body = reply.json();
    assert.equal(body.error_code, code);
    if (message) assert.match(String(body.message), message);
  };
  const newRun = async (extra: Json = {}): Promise<string> =>
    (await api('runs/create', { experiment_id: experimentId, user_id: 'root', start_time: 1795671066637, ...extra })).run.info.run_id;

  test('experiments: create, get, get-by-name, update, tags, delete, restore, search', async () => {
    experimentId = (await api('experiments/create', { name: 'http_demo' })).experiment_id;
    assert.match(experimentId, /^\d+$/);
    const experiment = ok(await get('experiments/get', { experiment_id: experimentId })).experiment;
    assert.deepEqual(Object.keys(experiment).sort(), [
      'artifact_location',
      'creation_time',
      'experiment_id',
      'last_update_time',
      'lifecycle_stage',
      'name',
    ]);
    assert.equal(experiment.artifact_location, `mlflow-artifacts:/${experimentId}`);
    assert.equal(typeof experiment.creation_time, 'number', 'int64 travel as numbers');
    assert.equal(ok(await get('experiments/get-by-name', { experiment_name: 'http_demo' })).experiment.experiment_id, experimentId);
    failure(
      await get('experiments/get-by-name', { experiment_name: 'nope' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /^Could not find experiment with name 'nope'$/,
    );
    failure(await t.client.api('experiments/create', { name: 'http_demo' }), 400, 'RESOURCE_ALREADY_EXISTS');
    failure(
      await t.client.api('experiments/create', {}),
      400,
      'INVALID_PARAMETER_VALUE',
      /^Missing value for required parameter 'name'. See the API docs for more information about request parameters.$/,
    );
    failure(await get('experiments/get', { experiment_id: '999' }), 404, 'RESOURCE_DOES_NOT_EXIST', /No Experiment with id=999 exists/);

    const scratch = (await api('experiments/create', { name: 'scratch', tags: [{ key: 'a', value: '1' }] })).experiment_id;
    assert.deepEqual(await api('experiments/update', { experiment_id: scratch, new_name: 'scratch2' }), {});
    assert.deepEqual(await api('experiments/set-experiment-tag', { experiment_id: scratch, key: 'b', value: '2' }), {});
    assert.deepEqual(await api('experiments/delete-experiment-tag', { experiment_id: scratch, key: 'a' }), {});
    assert.deepEqual(ok(await get('experiments/get', { experiment_id: scratch })).experiment.tags, [{ key: 'b', value: '2' }]);
    assert.deepEqual(await api('experiments/delete', { experiment_id: scratch }), {});
    failure(await t.client.api('experiments/delete', { experiment_id: '999' }), 404, 'RESOURCE_DOES_NOT_EXIST');

    const searched = await api('experiments/search', { view_type: 'DELETED_ONLY' });
    assert.deepEqual(
      searched.experiments.map((e: Json) => e.name),
      ['scratch2'],
    );
    assert.deepEqual(await api('experiments/restore', { experiment_id: scratch }), {});
    const byGet = ok(await get('experiments/search', { filter: "name = 'scratch2'", max_results: '5' }));
    assert.equal(byGet.experiments.length, 1);
    const paged = await api('experiments/search', { max_results: 1, order_by: ['name ASC'] });
    assert.equal(paged.experiments.length, 1);
    assert.equal(typeof paged.next_page_token, 'string');
    assert.deepEqual(await api('experiments/search', { filter: "name = 'none'" }), {}, 'nothing found: proto3 leaves the list out');
  });

  test('runs: create and get have the contract\'s shapes; run_uuid alone names the run', async () => {
    const created = await api('runs/create', {
      experiment_id: experimentId,
      user_id: 'root',
      start_time: 1795671066637,
      tags: [{ key: 'mlflow.source.name', value: 'goal_a.py' }],
    });
    assert.deepEqual(Object.keys(created.run).sort(), ['data', 'info', 'inputs']);
    assert.deepEqual(created.run.inputs, {});
    const info = created.run.info;
    assert.deepEqual(Object.keys(info).sort(), [
      'artifact_uri',
      'experiment_id',
      'lifecycle_stage',
      'run_id',
      'run_name',
      'run_uuid',
      'start_time',
      'status',
      'user_id',
    ]);
    assert.equal(info.run_uuid, info.run_id);
    assert.equal(info.status, 'RUNNING');
    assert.deepEqual(created.run.data.tags.find((tag: Json) => tag.key === 'mlflow.runName'), { key: 'mlflow.runName', value: info.run_name });

    const fetched = ok(await get('runs/get', { run_uuid: info.run_id })).run;
    assert.deepEqual(fetched.inputs, {});
    assert.deepEqual(fetched.outputs, {});
    failure(await get('runs/get', { run_id: '0123456789abcdef0123456789abcdef' }), 404, 'RESOURCE_DOES_NOT_EXIST', /not found/);
    failure(await get('runs/get', {}), 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'run_id'/);

    const updated = await api('runs/update', { run_uuid: info.run_id, status: 'FINISHED', end_time: 1795671073306, run_id: info.run_id });
    assert.equal(updated.run_info.status, 'FINISHED');
    assert.equal(updated.run_info.end_time, 1795671073306);
    const byNumber = await api('runs/update', { run_id: info.run_id, status: 5 });
    assert.equal(byNumber.run_info.status, 'KILLED', 'proto enums may come as numbers');
    failure(await t.client.api('runs/update', { run_id: info.run_id, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid value "DONE"/);
  });

  test('log-metric, log-parameter, set-tag, delete-tag; NaN and infinities in every JSON spelling', async () => {
    const runId = await newRun();
    assert.deepEqual(await api('runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'n_estimators', value: '100' }), {});
    failure(
      await t.client.api('runs/log-parameter', { run_id: runId, key: 'n_estimators', value: '200' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Changing param values is not allowed/,
    );
    assert.deepEqual(await api('runs/log-metric', { run_id: runId, key: 'v', value: 'NaN', timestamp: 1, step: 0 }), {});
    assert.deepEqual(await api('runs/log-metric', { run_uuid: runId, key: 'v', value: 'Infinity', timestamp: '2', step: '1' }), {});
    const rawBody = `{"run_id": "${runId}", "key": "v", "value": -Infinity, "timestamp": 3, "step": 2}`;
    ok(await t.client.request('POST', '/api/2.0/mlflow/runs/log-metric', { body: rawBody, headers: { 'content-type': 'application/json' } }));
    assert.deepEqual(await api('runs/log-metric', { run_id: runId, key: 'v', value: 0.25, timestamp: 4 }), {}, 'step defaults to 0');

    const history = ok(await get('metrics/get-history', { run_id: runId, run_uuid: runId, metric_key: 'v', max_results: '25000' }));
    assert.deepEqual(history, {
      metrics: [
        { key: 'v', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'v', value: 0.25, timestamp: 4, step: 0 },
        { key: 'v', value: 'Infinity', timestamp: 2, step: 1 },
        { key: 'v', value: '-Infinity', timestamp: 3, step: 2 },
      ],
    });
    const latest = ok(await get('runs/get', { run_id: runId })).run.data.metrics;
    assert.deepEqual(latest, [{ key: 'v', value: '-Infinity', timestamp: 3, step: 2 }]);

    failure(
      await t.client.api('runs/log-metric', { run_id: runId, key: 'v', timestamp: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Missing value for required parameter 'value'/,
    );
    failure(
      await t.client.api('runs/log-metric', { run_id: runId, key: 'v', value: 'lots', timestamp: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid value "lots" for parameter 'value' supplied: {2}Hint: Value was of type 'str'/,
    );
    failure(await t.client.api('runs/log-metric', { run_id: 'nope', key: 'a', value: 1, timestamp: 1, step: 0 }), 404, 'RESOURCE_DOES_NOT_EXIST', /^Run with id=nope not found$/);

    assert.deepEqual(await api('runs/set-tag', { run_id: runId, key: 'team', value: 'ml' }), {});
    assert.deepEqual(await api('runs/delete-tag', { run_id: runId, key: 'team' }), {});
    failure(await t.client.api('runs/delete-tag', { run_id: runId, key: 'team' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('log-batch: 1,000 entries in all, all or nothing, and get-history pages', async () => {
    const runId = await newRun();
    const metrics = Array.from({ length: 998 }, (_, step) => ({ key: 'm', value: step, timestamp: 1795671211502, step, run_id: runId }));
    assert.deepEqual(await api('runs/log-batch', { run_id: runId, metrics, params: [{ key: 'lr', value: '0.01' }], tags: [{ key: 't', value: 'x' }] }), {});
    failure(
      await t.client.api('runs/log-batch', { run_id: runId, metrics: [...metrics, ...metrics.slice(0, 3)] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /at most 1000 metrics. Got 1001/,
    );
    failure(
      await t.client.api('runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'new', value: 1, timestamp: 1, step: 0 }],
        params: [{ key: 'lr', value: '0.02' }],
      }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    failure(
      await t.client.api('runs/log-batch', { run_id: runId, metrics: [{ key: 'x', value: 1 }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Missing value for required parameter 'metrics\[0\]\.timestamp'/,
    );
    failure(await t.client.api('runs/log-batch', { run_id: runId, tags: [{ value: 'x' }] }), 400, 'INVALID_PARAMETER_VALUE', /'tags\[0\]\.key'/);
    assert.equal(ok(await get('metrics/get-history', { run_id: runId, metric_key: 'new' })).metrics, undefined, 'the refused batch wrote nothing');

    const steps: number[] = [];
    let token: string | undefined;
    do {
      const page = ok(await get('metrics/get-history', { run_id: runId, metric_key: 'm', max_results: '400', ...(token ? { page_token: token } : {}) }));
      steps.push(...page.metrics.map((metric: Json) => metric.step));
      token = page.next_page_token;
    } while (token);
    assert.deepEqual(
      steps,
      Array.from({ length: 998 }, (_, i) => i),
    );

    const bulk = ok(await get('metrics/get-history-bulk-interval', { run_ids: [runId], metric_key: 'm', max_results: '10' }));
    assert.ok(bulk.metrics.length >= 10 && bulk.metrics.length <= 12);
    assert.ok(bulk.metrics.every((metric: Json) => metric.run_id === runId));
    failure(await get('metrics/get-history-bulk-interval', { metric_key: 'm' }), 400, 'INVALID_PARAMETER_VALUE', /'run_ids'/);
  });

  test('delete and restore runs; writes to a deleted run are refused', async () => {
    const runId = await newRun();
    assert.deepEqual(await api('runs/delete', { run_id: runId }), {});
    failure(
      await t.client.api('runs/log-metric', { run_id: runId, key: 'a', value: 1, timestamp: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /must be in the 'active' state/,
    );
    const deleted = await api('runs/search', { experiment_ids: [experimentId], run_view_type: 'DELETED_ONLY' });
    assert.deepEqual(
      deleted.runs.map((run: Json) => run.info.run_id),
      [runId],
    );
    assert.deepEqual(await api('runs/restore', { run_id: runId }), {});
    assert.equal(ok(await get('runs/get', { run_id: runId })).run.info.lifecycle_stage, 'active');
  });

  test('runs/search: filter, order, pages; a bad filter is a 400', async () => {
    const searchExperiment = (await api('experiments/create', { name: 'search_here' })).experiment_id;
    for (const [name, mse] of [
      ['a', 0.5],
      ['b', 2],
      ['c', 0.1],
    ] as const) {
      const runId = (await api('runs/create', { experiment_id: searchExperiment, run_name: name })).run.info.run_id;
      await api('runs/log-metric', { run_id: runId, key: 'mse', value: mse, timestamp: 1 });
    }
    const found = await api('runs/search', {
      experiment_ids: [searchExperiment],
      run_view_type: 'ACTIVE_ONLY',
      filter: 'metrics.mse < 1',
      max_results: 10000,
      order_by: ['metrics.mse ASC'],
    });
    assert.deepEqual(
      found.runs.map((run: Json) => run.info.run_name),
      ['c', 'a'],
    );
    assert.equal(found.next_page_token, undefined);
    const first = await api('runs/search', { experiment_ids: [searchExperiment], max_results: 2 });
    const rest = await api('runs/search', { experiment_ids: [searchExperiment], max_results: 2, page_token: first.next_page_token });
    assert.equal(first.runs.length + rest.runs.length, 3);
    failure(await t.client.api('runs/search', { experiment_ids: [searchExperiment], filter: 'metrics.mse <<< 1' }), 400, 'INVALID_PARAMETER_VALUE');
    assert.deepEqual(await api('runs/search', { experiment_ids: ['424242'] }), {});
  });

  test('logged models: create, get, finalize, tags, search, delete; inputs and outputs', async () => {
    const runId = await newRun();
    const created = (
      await api('logged-models', {
        experiment_id: experimentId,
        name: 'random_forest_model',
        source_run_id: runId,
        params: [{ key: 'n_estimators', value: '100' }],
        tags: [{ key: 'mlflow.user', value: 'root' }],
      })
    ).model;
    const modelId: string = created.info.model_id;
    assert.match(modelId, /^m-[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(created.info).sort(), [
      'artifact_uri',
      'creation_timestamp_ms',
      'experiment_id',
      'last_updated_timestamp_ms',
      'model_id',
      'model_type',
      'name',
      'source_run_id',
      'status',
      'tags',
    ]);
    assert.deepEqual(created.data, { params: [{ key: 'n_estimators', value: '100' }] });
    const modelPath = `/api/2.0/mlflow/logged-models/${modelId}`;

    assert.deepEqual(await api('runs/outputs', { run_id: runId, models: [{ model_id: modelId, step: 0 }] }), {});
    failure(await t.client.api('runs/outputs', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', /'models'/);
    await api('runs/log-batch', { run_id: runId, metrics: [{ key: 'mse', value: 1.5, timestamp: 7, step: 0, model_id: modelId }] });
    const fetched = ok(await t.client.get(modelPath)).model;
    assert.deepEqual(fetched.data.metrics, [{ key: 'mse', value: 1.5, timestamp: 7, step: 0, model_id: modelId, run_id: runId }]);

    const ready = ok(await t.client.request('PATCH', modelPath, { json: { model_id: modelId, status: 'LOGGED_MODEL_READY' } })).model;
    assert.equal(ready.info.status, 'LOGGED_MODEL_READY');
    const failed = ok(await t.client.request('PATCH', modelPath, { json: { status: 3 } })).model;
    assert.equal(failed.info.status, 'LOGGED_MODEL_UPLOAD_FAILED');
    failure(await t.client.request('PATCH', modelPath, { json: {} }), 400, 'INVALID_PARAMETER_VALUE', /'status'/);

    const tags = { tags: [{ key: 'mlflow.modelVersions', value: '[{"name": "rf_model", "version": 1}]' }] };
    assert.deepEqual(ok(await t.client.request('PATCH', `${modelPath}/tags`, { json: tags })), {});
    assert.deepEqual(ok(await t.client.request('DELETE', `${modelPath}/tags/mlflow.modelVersions`)), {});
    failure(await t.client.request('DELETE', `${modelPath}/tags/mlflow.modelVersions`), 404, 'RESOURCE_DOES_NOT_EXIST');

    const searched = await api('logged-models/search', { experiment_ids: [experimentId], filter: "name = 'random_forest_model'" });
    assert.deepEqual(
      searched.models.map((model: Json) => model.info.model_id),
      [modelId],
    );
    failure(await t.client.api('logged-models/search', {}), 400, 'INVALID_PARAMETER_VALUE', /experiment_ids/);

    const dataset = { name: 'dataset', digest: '36d02d7a', source_type: 'code', source: '{}' };
    assert.deepEqual(
      await api('runs/log-inputs', {
        run_id: runId,
        datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
        models: [{ model_id: modelId }],
      }),
      {},
    );
    const run = ok(await get('runs/get', { run_id: runId })).run;
    assert.deepEqual(run.inputs, {
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
      model_inputs: [{ model_id: modelId }],
    });
    assert.deepEqual(run.outputs, { model_outputs: [{ model_id: modelId, step: 0 }] });
    failure(
      await t.client.api('runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'x' } }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /datasets\[0\]\.dataset\.digest/,
    );

    assert.deepEqual(ok(await t.client.request('DELETE', modelPath)), {});
    failure(await t.client.get(modelPath), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
