// The /ajax-api mirror and the routes MLflow's server has only for its web UI, over real HTTP,
// checked against MLflow 3.6's handlers (mlflow/server/handlers.py, mlflow/server/__init__.py).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Reply } from '../support/httpClient';
import { startTestServer, type TestServer } from '../support/testServer';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('ajax-api routes', () => {
  let t: TestServer;
  let experimentId: string;
  let runA: string;
  let runB: string;

  before(async () => {
    t = await startTestServer();
    experimentId = ok(await t.client.post('/ajax-api/2.0/mlflow/experiments/create', { name: 'ajax' })).experiment_id;
    const create = async () =>
      ok(await t.client.post('/ajax-api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: 1 })).run.info.run_id as string;
    runA = await create();
    runB = await create();
  });
  after(async () => {
    await t?.close();
  });
  afterEach(() => assert.deepEqual(t.logged, [], 'no request ended in a 500'));

  const ok = (reply: Reply): Json => {
    assert.equal(reply.status, 200, reply.text);
    return reply.json();
  };
  const failure = (reply: Reply, status: number, code: string, message: string): void => {
    assert.equal(reply.status, status, reply.text);
    assert.deepEqual(reply.json(), { error_code: code, message });
  };
  const put = (path: string, body: string) => t.client.request('PUT', `/api/2.0/mlflow-artifacts/artifacts/${path}`, { body });

  test('every /api/ route answers under /ajax-api/ with the same reply, behind the same token', async () => {
    const viaApi = ok(await t.client.get(`/api/2.0/mlflow/runs/get?run_id=${runA}`));
    const viaAjax = ok(await t.client.get(`/ajax-api/2.0/mlflow/runs/get?run_id=${runA}`));
    assert.deepEqual(viaAjax, viaApi);
    assert.equal(viaAjax.run.info.run_id, runA);
    const refused = await t.client.get(`/ajax-api/2.0/mlflow/runs/get?run_id=${runA}`, { token: null });
    assert.equal(refused.status, 401);
    // The artifact service and the logged-model listing are mirrored too.
    assert.equal((await put(`${experimentId}/${runA}/artifacts/a.txt`, 'x')).status, 200);
    const listed = ok(await t.client.get(`/ajax-api/2.0/mlflow-artifacts/artifacts?path=${experimentId}/${runA}/artifacts`));
    assert.deepEqual(listed, { files: [{ path: 'a.txt', is_dir: false, file_size: 1 }] });
    // Only /api/ has a twin: MLflow has no /ajax-api/version.
    assert.equal((await t.client.get('/ajax-api/version')).status, 404);
  });

  test('metrics/get-history-bulk: runs in id order, points by timestamp then step, capped by max_results', async () => {
    const log = (run: string, value: number, timestamp: number, step: number) =>
      t.client.api('runs/log-metric', { run_id: run, key: 'loss', value, timestamp, step });
    for (const [run, value, timestamp, step] of [
      [runA, 3, 30, 0],
      [runA, 1, 10, 2],
      [runB, 5, 20, 1],
      [runA, 2, 10, 1],
    ] as const) {
      assert.equal((await log(run, value, timestamp, step)).status, 200);
    }
    const url = (query: string) => `/ajax-api/2.0/mlflow/metrics/get-history-bulk?${query}`;
    const both = ok(await t.client.get(url(`run_id=${runB}&run_id=${runA}&metric_key=loss`)));
    const [first, second] = [runA, runB].sort();
    const expected = [
      ...(first === runA
        ? [
            { key: 'loss', value: 2, timestamp: 10, step: 1, run_id: runA },
            { key: 'loss', value: 1, timestamp: 10, step: 2, run_id: runA },
            { key: 'loss', value: 3, timestamp: 30, step: 0, run_id: runA },
            { key: 'loss', value: 5, timestamp: 20, step: 1, run_id: runB },
          ]
        : [
            { key: 'loss', value: 5, timestamp: 20, step: 1, run_id: runB },
            { key: 'loss', value: 2, timestamp: 10, step: 1, run_id: runA },
            { key: 'loss', value: 1, timestamp: 10, step: 2, run_id: runA },
            { key: 'loss', value: 3, timestamp: 30, step: 0, run_id: runA },
          ]),
    ];
    assert.deepEqual(both, { metrics: expected });
    // max_results caps each run's read (its first points in history order, by step) and then the whole reply.
    const runAFirstTwo = [
      { key: 'loss', value: 2, timestamp: 10, step: 1, run_id: runA },
      { key: 'loss', value: 3, timestamp: 30, step: 0, run_id: runA },
    ];
    const capped = first === runA ? runAFirstTwo : [{ key: 'loss', value: 5, timestamp: 20, step: 1, run_id: runB }, runAFirstTwo[0]];
    assert.deepEqual(ok(await t.client.get(url(`run_id=${first}&run_id=${second}&metric_key=loss&max_results=2`))).metrics, capped);
    assert.deepEqual(ok(await t.client.get(url(`run_id=${runA}&metric_key=nothing`))), { metrics: [] });
    failure(await t.client.get(url('metric_key=loss')), 400, 'INVALID_PARAMETER_VALUE', 'GetMetricHistoryBulk request must specify at least one run_id.');
    failure(await t.client.get(url(`run_id=${runA}`)), 400, 'INVALID_PARAMETER_VALUE', 'GetMetricHistoryBulk request must specify a metric_key.');
    const many = Array.from({ length: 101 }, (_, i) => `run_id=r${i}`).join('&');
    failure(
      await t.client.get(url(`${many}&metric_key=loss`)),
      400,
      'INVALID_PARAMETER_VALUE',
      'GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.',
    );
    // The paged get-history and the bulk interval are mirrored from /api/.
    const page = ok(await t.client.get(`/ajax-api/2.0/mlflow/metrics/get-history?run_id=${runA}&metric_key=loss&max_results=2`));
    assert.equal(page.metrics.length, 2);
    assert.equal(typeof page.next_page_token, 'string');
    const interval = ok(await t.client.get(`/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runA}&metric_key=loss`));
    assert.deepEqual(interval.metrics.map((m: Json) => m.step), [0, 1, 2]);
  });

  test('get-artifact, model-versions/get-artifact and logged-model files download as attachments; bad paths are "Invalid path"', async () => {
    assert.equal((await put(`${experimentId}/${runA}/artifacts/model/MLmodel`, 'flavors: {}\n')).status, 200);
    const file = await t.client.get(`/get-artifact?run_uuid=${runA}&path=model/MLmodel`);
    assert.equal(file.status, 200);
    assert.equal(file.text, 'flavors: {}\n');
    assert.equal(file.headers['content-disposition'], 'attachment; filename=MLmodel');
    assert.equal(file.headers['content-type'], 'text/plain');
    assert.equal(file.headers['x-content-type-options'], 'nosniff');
    for (const bad of ['../x', '/etc/passwd', 'a%2F..%2F..%2Fx', 'a#b', 'C:/x', 'a\\b']) {
      failure(await t.client.get(`/get-artifact?run_id=${runA}&path=${encodeURIComponent(bad)}`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    }
    failure(await t.client.get(`/get-artifact?run_id=${runA}&path=missing.txt`), 404, 'RESOURCE_DOES_NOT_EXIST', `Artifact '${experimentId}/${runA}/artifacts/missing.txt' does not exist.`);

    await t.client.api('registered-models/create', { name: 'clf' });
    const source = `mlflow-artifacts:/${experimentId}/${runA}/artifacts/model`;
    ok(await t.client.api('model-versions/create', { name: 'clf', source, run_id: runA }));
    const versionFile = await t.client.get('/model-versions/get-artifact?name=clf&version=1&path=MLmodel');
    assert.equal(versionFile.status, 200, versionFile.text);
    assert.equal(versionFile.text, 'flavors: {}\n');

    const model = ok(await t.client.api('logged-models', { experiment_id: experimentId, name: 'm' })).model;
    const modelId = model.info.model_id as string;
    const modelRoot = String(model.info.artifact_uri).replace('mlflow-artifacts:/', '');
    assert.equal((await put(`${modelRoot}/conda.yaml`, 'name: x\n')).status, 200);
    const files = `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files`;
    const modelFile = await t.client.get(`${files}?artifact_file_path=conda.yaml`);
    assert.equal(modelFile.status, 200, modelFile.text);
    assert.equal(modelFile.text, 'name: x\n');
    failure(await t.client.get(files), 400, 'BAD_REQUEST', 'Request must include the "artifact_file_path" query parameter.');
    failure(await t.client.get(`${files}?artifact_file_path=..%2Fx`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    // The listing is the mirrored ListLoggedModelArtifacts.
    const listing = ok(await t.client.get(`/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/directories`));
    assert.deepEqual(listing, { root_uri: model.info.artifact_uri, files: [{ path: 'conda.yaml', is_dir: false, file_size: 8 }] });
  });

  test('upload-artifact writes under the run, answers an empty JSON reply, and refuses as MLflow does', async () => {
    const upload = (query: string, body: string) =>
      t.client.request('POST', `/ajax-api/2.0/mlflow/upload-artifact?${query}`, { body, headers: { 'content-type': 'text/plain' } });
    const reply = await upload(`run_uuid=${runB}&path=notes/today.txt`, 'hello');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.text, '');
    assert.match(String(reply.headers['content-type']), /^application\/json/);
    assert.equal((await t.client.get(`/get-artifact?run_id=${runB}&path=notes/today.txt`)).text, 'hello');
    failure(await upload('path=x.txt', 'x'), 400, 'INVALID_PARAMETER_VALUE', 'Request must specify run_uuid.');
    failure(await upload(`run_uuid=${runB}`, 'x'), 400, 'INVALID_PARAMETER_VALUE', 'Request must specify path.');
    failure(await upload(`run_uuid=${runB}&path=../x`, 'x'), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    failure(await upload(`run_uuid=${runB}&path=x.txt`, ''), 400, 'INVALID_PARAMETER_VALUE', 'Request must specify data.');
    const big = await t.client.request('POST', `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runB}&path=big.bin`, {
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });
    failure(big, 400, 'INVALID_PARAMETER_VALUE', 'Artifact size is too large. Max size is 10MB.');
  });

  test('experiments/search-datasets lists (experiment, name, digest, context) once each', async () => {
    const dataset = { name: 'iris', digest: 'abc123', source_type: 'local', source: '{}' };
    for (const run of [runA, runB]) {
      ok(
        await t.client.api('runs/log-inputs', {
          run_id: run,
          datasets: [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] }],
        }),
      );
    }
    const search = (body: unknown, headers?: Record<string, string>) =>
      t.client.post('/ajax-api/2.0/mlflow/experiments/search-datasets', body, headers ? { headers } : {});
    assert.deepEqual(ok(await search({ experiment_ids: [experimentId] })), {
      dataset_summaries: [{ experiment_id: experimentId, name: 'iris', digest: 'abc123', context: 'training' }],
    });
    assert.deepEqual(ok(await search({ experiment_ids: ['0'] })), {});
    failure(await search({}), 400, 'INVALID_PARAMETER_VALUE', 'SearchDatasets request must specify at least one experiment_id.');
    failure(
      await search({ experiment_ids: Array.from({ length: 21 }, (_, i) => String(i)) }),
      400,
      'INVALID_PARAMETER_VALUE',
      'SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.',
    );
    failure(
      await search({ experiment_ids: [experimentId] }, { 'content-type': 'text/plain' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Bad Request. Content-Type must be one of ['application/json'].",
    );
  });

  test('runs/create-promptlab-run records the prompt evaluation as MLflow does', async () => {
    const created = ok(
      await t.client.post('/ajax-api/2.0/mlflow/runs/create-promptlab-run', {
        experiment_id: experimentId,
        run_name: 'prompt-1',
        tags: [{ key: 'team', value: 'nlp' }],
        prompt_template: 'Say {{ thing }}',
        prompt_parameters: [{ key: 'thing', value: 'hi' }],
        model_route: 'chat',
        model_parameters: [{ key: 'temperature', value: 0.5 }],
        model_input: 'Say hi',
        model_output: 'hi',
        model_output_parameters: [{ key: 'latency', value: 12 }],
        mlflow_version: '3.6.0',
        user_id: 'ana',
        start_time: 1000,
      }),
    ).run;
    assert.equal(created.info.status, 'FINISHED');
    assert.equal(created.info.run_name, 'prompt-1');
    assert.equal(created.info.user_id, 'ana');
    assert.equal(created.info.start_time, 1000);
    const params = Object.fromEntries(created.data.params.map((p: Json) => [p.key, p.value]));
    assert.deepEqual(params, { temperature: '0.5', model_route: 'chat', prompt_template: 'Say {{ thing }}' });
    const tags = Object.fromEntries(created.data.tags.map((p: Json) => [p.key, p.value]));
    assert.equal(tags.team, 'nlp');
    assert.equal(tags['mlflow.runSourceType'], 'PROMPT_ENGINEERING');
    assert.equal(tags['mlflow.loggedArtifacts'], '[{"path": "eval_results_table.json", "type": "table"}]');
    const table = (await t.client.get(`/get-artifact?run_id=${created.info.run_id}&path=eval_results_table.json`)).json();
    assert.deepEqual(table, { columns: ['thing', 'prompt', 'output', 'latency'], data: [['hi', 'Say hi', 'hi', '12']] });
    const missing = await t.client.post('/ajax-api/2.0/mlflow/runs/create-promptlab-run', { experiment_id: experimentId });
    failure(missing, 400, 'INVALID_PARAMETER_VALUE', 'CreatePromptlabRun request must specify prompt_template.');
  });
});
