// MLflow's artifact handlers run every request path through validate_path_is_safe, which answers
// 400 INVALID_PARAMETER_VALUE "Invalid path"; RunLens answers the same for the same paths.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './support/testServer';

describe('artifact path errors as MLflow words them', () => {
  let t: TestServer;
  let runId: string;
  before(async () => {
    t = await startTestServer();
    runId = (await t.client.api('runs/create', { experiment_id: '0' })).json<{ run: { info: { run_id: string } } }>().run.info.run_id;
  });
  after(async () => {
    await t?.close();
  });

  const invalid = { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' };
  const artifacts = '/api/2.0/mlflow-artifacts/artifacts';

  test('the artifact service, the run listing and the logged-model listing refuse unsafe paths', async () => {
    const replies = [
      await t.client.request('PUT', `${artifacts}/0/..%2F..%2Fescape.txt`, { body: 'x' }),
      await t.client.get(`${artifacts}/0/%2e%2e/x`),
      await t.client.request('DELETE', `${artifacts}/0/a%23b`),
      await t.client.get(`${artifacts}?path=${encodeURIComponent('/etc')}`),
      await t.client.get(`/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${encodeURIComponent('../other')}`),
      await t.client.get(`/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${encodeURIComponent('C:\\x')}`),
    ];
    for (const reply of replies) {
      assert.equal(reply.status, 400, reply.text);
      assert.deepEqual(reply.json(), invalid);
    }
    // Ordinary names, `%` included, still work.
    assert.equal((await t.client.request('PUT', `${artifacts}/0/${runId}/artifacts/100%25.txt`, { body: 'ok' })).status, 200);
    assert.equal((await t.client.get(`${artifacts}/0/${runId}/artifacts/100%25.txt`)).text, 'ok');
  });
});
