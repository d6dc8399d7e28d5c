// runs/log-model as MLflow's _log_model handler answers it (mlflow/server/handlers.py): the model
// JSON appended to the run's mlflow.log-model.history tag, and its two refusals worded as MLflow's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './support/testServer';

describe('runs/log-model', () => {
  let t: TestServer;
  let runId: string;
  before(async () => {
    t = await startTestServer();
    runId = (await t.client.api('runs/create', { experiment_id: '0' })).json<{ run: { info: { run_id: string } } }>().run.info.run_id;
  });
  after(async () => {
    await t?.close();
  });

  test('appends each model to the run tag and refuses malformed or incomplete model JSON', async () => {
    const model = (path: string) => ({ artifact_path: path, flavors: { sklearn: {} }, utc_time_created: '2026-12-06 10:00:00.000000', run_id: runId });
    for (const path of ['model', 'other']) {
      const reply = await t.client.api('runs/log-model', { run_id: runId, model_json: JSON.stringify(model(path)) });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json(), {});
    }
    const run = (await t.client.get(`/ajax-api/2.0/mlflow/runs/get?run_id=${runId}`)).json<{ run: { data: { tags: { key: string; value: string }[] } } }>().run;
    const history = run.data.tags.find((tag) => tag.key === 'mlflow.log-model.history')?.value;
    assert.deepEqual(JSON.parse(history ?? '[]'), [model('model'), model('other')]);
    assert.match(history ?? '', /^\[\{"artifact_path": "model", /, "written as Python's json.dumps writes it");

    const malformed = await t.client.api('runs/log-model', { run_id: runId, model_json: '{nope' });
    assert.deepEqual(malformed.json(), {
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Malformed model info. \n {nope \n is not a valid JSON.',
    });
    const incomplete = await t.client.api('runs/log-model', { run_id: runId, model_json: JSON.stringify({ flavors: {}, run_id: runId }) });
    assert.equal(incomplete.status, 400);
    assert.equal(incomplete.json<{ message: string }>().message, "Model json is missing mandatory fields: {'artifact_path', 'utc_time_created'}");
  });
});
