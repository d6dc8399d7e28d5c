// Requests MLflow's server reads leniently or refuses with particular words, sent to RunLens and
// checked against what a real MLflow 3.6 server answered to the very same requests
// (test/fixtures/mlflow-request-parsing/replies.json, captured from `mlflow server`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from './support/repoRoot';
import { startTestServer, type TestServer } from './support/testServer';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface CapturedCase {
  readonly title: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly reply: Json;
}

const captured = JSON.parse(
  readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'mlflow-request-parsing', 'replies.json'), 'utf8'),
) as { cases: CapturedCase[] };

describe('request parsing as MLflow 3.6 does it', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t?.close();
  });

  const send = (c: CapturedCase) =>
    c.method === 'GET' ? t.client.get(c.path) : t.client.request('POST', c.path, { json: c.body });
  const caseNamed = (title: string): CapturedCase => {
    const found = captured.cases.find((c) => c.title === title);
    assert.ok(found, `no captured case "${title}"`);
    return found;
  };

  for (const c of captured.cases.filter((each) => each.status !== 200)) {
    test(`refused in MLflow's words: ${c.title}`, async () => {
      const reply = await send(c);
      assert.equal(reply.status, c.status, reply.text);
      assert.deepEqual(reply.json(), c.reply);
    });
  }

  test('an integer experiment id creates the run in that experiment, its id a string as MLflow replies', async () => {
    const c = caseNamed('experiment id as an integer (clients before MLflow 0.9.1)');
    const reply = await send(c);
    assert.equal(reply.status, 200, reply.text);
    const info = reply.json<Json>().run.info;
    assert.equal(info.experiment_id, c.reply.run.info.experiment_id);
    assert.equal(typeof info.experiment_id, 'string');
    assert.equal(info.run_name, 'int-id');

    const search = await send(caseNamed('experiment ids as integers in a search'));
    assert.equal(search.status, 200, search.text);
    assert.deepEqual(search.json<Json>().runs.map((run: Json) => run.info.run_id), [info.run_id]);
  });

  test('a double-encoded body is read as the object it holds', async () => {
    const c = caseNamed('a double-encoded body (older clients)');
    assert.equal(typeof c.body, 'string', 'the captured body is a JSON string holding the object');
    const reply = await send(c);
    assert.equal(reply.status, 200, reply.text);
    const id = reply.json<Json>().experiment_id;
    assert.equal(typeof id, 'string');
    const experiment = (await t.client.get(`/api/2.0/mlflow/experiments/get?experiment_id=${id}`)).json<Json>().experiment;
    assert.equal(experiment.name, 'double-encoded');
  });

  test('ids inside run data stay as logged: a param named experiment_id keeps its number-looking value', async () => {
    const run = (await t.client.api('runs/create', { experiment_id: '0' })).json<Json>().run.info.run_id;
    const logged = await t.client.api('runs/log-batch', { run_id: run, params: [{ key: 'experiment_id', value: '7' }], tags: [] });
    assert.equal(logged.status, 200, logged.text);
    const params = (await t.client.get(`/api/2.0/mlflow/runs/get?run_id=${run}`)).json<Json>().run.data.params;
    assert.deepEqual(params, [{ key: 'experiment_id', value: '7' }]);
  });

  test('a body that is a JSON string holding no object is still refused', async () => {
    const reply = await t.client.request('POST', '/api/2.0/mlflow/experiments/create', { json: JSON.stringify([1, 2]) });
    assert.equal(reply.status, 400);
    assert.equal(reply.json<Json>().message, 'The request body must be a JSON object.');
  });
});
