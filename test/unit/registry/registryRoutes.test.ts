import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Reply } from '../server/support/httpClient';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { insertLoggedModel, insertRun } from './support/registryFixture';

const runId = 'e4dca97ac07a44d9986a21534be2db80';
const modelId = 'm-903c5a539c7f4d558c70d3eceb669b64';
const modelLocation = `mlflow-artifacts:/1/models/${modelId}/artifacts`;

/** The fields, in order, of a model version in the real server's replies (requests.jsonl, seq 42). */
const versionFields = [
  'name',
  'version',
  'creation_timestamp',
  'last_updated_timestamp',
  'current_stage',
  'description',
  'source',
  'run_id',
  'status',
  'run_link',
];

interface WireTag {
  key: string;
  value: string;
}

interface WireModelVersion {
  name: string;
  version: string;
  run_id: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description: string;
  tags?: WireTag[];
  aliases?: string[];
}

interface WireRegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireTag[];
  aliases?: { alias: string; version: string }[];
}

/** Every field a registry reply may have; each test reads the ones its endpoint returns. */
interface WireReply {
  registered_model?: WireRegisteredModel;
  registered_models?: WireRegisteredModel[];
  model_version?: WireModelVersion;
  model_versions?: WireModelVersion[];
  next_page_token?: string;
  artifact_uri?: string;
}

describe('registry routes over HTTP', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    insertRun(server.db, runId, `mlflow-artifacts:/1/${runId}/artifacts`);
    insertLoggedModel(server.db, modelId, modelLocation, runId);
  });
  after(() => server.close());

  const api = (method: string, endpoint: string, json?: unknown) =>
    server.client.request(method, `/api/2.0/mlflow/${endpoint}`, json === undefined ? {} : { json });
  const get = (endpoint: string, query: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
    }
    return server.client.get(`/api/2.0/mlflow/${endpoint}?${params}`);
  };
  const ok = <T = WireReply>(reply: Reply): T => {
    assert.equal(reply.status, 200, reply.text);
    return reply.json<T>();
  };
  const failure = (reply: Reply) => ({ status: reply.status, ...reply.json<{ error_code: string; message: string }>() });

  test('the client registration flow of the contract, reply by reply', async () => {
    const created = ok(await api('POST', 'registered-models/create', { name: 'rf_model' }));
    assert.deepEqual(Object.keys(created.registered_model!), ['name', 'creation_timestamp', 'last_updated_timestamp']);
    assert.equal(created.registered_model!.name, 'rf_model');
    assert.equal(typeof created.registered_model!.creation_timestamp, 'number');

    const version = ok(
      await api('POST', 'model-versions/create', { name: 'rf_model', source: `models:/${modelId}`, run_id: runId, model_id: modelId }),
    ).model_version!;
    assert.deepEqual(Object.keys(version), versionFields);
    assert.deepEqual(
      { ...version, creation_timestamp: 0, last_updated_timestamp: 0 },
      {
        name: 'rf_model',
        version: '1',
        creation_timestamp: 0,
        last_updated_timestamp: 0,
        current_stage: 'None',
        description: '',
        source: `models:/${modelId}`,
        run_id: runId,
        status: 'READY',
        run_link: '',
      },
    );

    // As the real server (seq 43): the logged model now lists the version, before the client's own PATCH.
    const loggedTags = ok<{ model: { info: { tags: WireTag[] } } }>(
      await server.client.get(`/api/2.0/mlflow/logged-models/${modelId}`),
    ).model.info.tags;
    assert.deepEqual(
      loggedTags.filter((tag) => tag.key === 'mlflow.modelVersions'),
      [{ key: 'mlflow.modelVersions', value: '[{"name": "rf_model", "version": 1}]' }],
    );

    const model = ok(await get('registered-models/get', { name: 'rf_model' })).registered_model!;
    assert.deepEqual(Object.keys(model), ['name', 'creation_timestamp', 'last_updated_timestamp', 'latest_versions']);
    assert.deepEqual(model.latest_versions, [version]);
    assert.equal(model.last_updated_timestamp, version.creation_timestamp);

    const staged = ok(
      await api('POST', 'model-versions/transition-stage', {
        name: 'rf_model',
        version: '1',
        stage: 'Staging',
        archive_existing_versions: false,
      }),
    ).model_version!;
    assert.equal(staged.current_stage, 'Staging');
    assert.deepEqual(Object.keys(staged), versionFields);

    assert.deepEqual(ok(await api('POST', 'registered-models/alias', { name: 'rf_model', alias: 'champion', version: '1' })), {});

    const byAlias = ok(await get('registered-models/alias', { name: 'rf_model', alias: 'champion' })).model_version!;
    assert.deepEqual(Object.keys(byAlias), [...versionFields, 'aliases']);
    assert.deepEqual(byAlias.aliases, ['champion']);
    assert.equal(byAlias.current_stage, 'Staging');

    const withAlias = ok(await get('registered-models/get', { name: 'rf_model' })).registered_model!;
    assert.deepEqual(withAlias.aliases, [{ alias: 'champion', version: '1' }]);
    assert.equal(withAlias.latest_versions![0].aliases, undefined, 'latest_versions carry no aliases, as MLflow');

    assert.deepEqual(ok(await get('model-versions/get-download-uri', { name: 'rf_model', version: '1' })), {
      artifact_uri: modelLocation,
    });

    // The error probes of the contract (seq 99-101).
    assert.deepEqual(failure(await api('POST', 'registered-models/create', { name: 'rf_model' })), {
      status: 400,
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: 'Registered Model (name=rf_model) already exists.',
    });
    assert.deepEqual(failure(await get('model-versions/get', { name: 'rf_model', version: '99' })), {
      status: 404,
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Model Version (name=rf_model, version=99) not found',
    });
    assert.deepEqual(failure(await get('registered-models/alias', { name: 'rf_model', alias: 'nope' })), {
      status: 400,
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Registered model alias nope not found.',
    });
    assert.deepEqual(server.logged, []);
  });

  test("sources resolve through the tracking store's own runs and logged models", async () => {
    const { experiment_id } = ok<{ experiment_id: string }>(await api('POST', 'experiments/create', { name: 'registry-e2e' }));
    const run = ok<{ run: { info: { run_id: string; artifact_uri: string } } }>(
      await api('POST', 'runs/create', { experiment_id, start_time: 1 }),
    ).run.info;
    const logged = ok<{ model: { info: { model_id: string; artifact_uri: string } } }>(
      await api('POST', 'logged-models', { experiment_id, name: 'e2e_model', source_run_id: run.run_id }),
    ).model.info;
    ok(await api('POST', 'registered-models/create', { name: 'e2e' }));

    const fromModel = ok(
      await api('POST', 'model-versions/create', { name: 'e2e', source: `models:/${logged.model_id}`, model_id: logged.model_id }),
    ).model_version!;
    assert.equal(fromModel.run_id, run.run_id, 'run_id comes from the logged model when the client leaves it out');
    assert.deepEqual(ok(await get('model-versions/get-download-uri', { name: 'e2e', version: fromModel.version })), {
      artifact_uri: logged.artifact_uri,
    });

    const fromRun = ok(
      await api('POST', 'model-versions/create', { name: 'e2e', source: `runs:/${run.run_id}/model`, run_id: run.run_id }),
    ).model_version!;
    assert.deepEqual(ok(await get('model-versions/get-download-uri', { name: 'e2e', version: fromRun.version })), {
      artifact_uri: `${run.artifact_uri}/model`,
    });
    assert.deepEqual(server.logged, []);
  });

  test('PATCH updates, DELETE takes a JSON body, tags and aliases come and go', async () => {
    ok(await api('POST', 'registered-models/create', { name: 'edit', tags: [{ key: 'team', value: 'risk' }], description: 'd0' }));
    ok(await api('POST', 'model-versions/create', { name: 'edit', source: 's3://bucket/m', tags: [{ key: 'k' }] }));

    assert.equal(ok(await api('PATCH', 'registered-models/update', { name: 'edit', description: 'd1' })).registered_model!.description, 'd1');
    const updated = ok(await api('PATCH', 'model-versions/update', { name: 'edit', version: '1', description: 'v1' })).model_version!;
    assert.equal(updated.description, 'v1');
    assert.deepEqual(updated.tags, [{ key: 'k', value: '' }]);

    ok(await api('POST', 'registered-models/set-tag', { name: 'edit', key: 'owner', value: 'me' }));
    ok(await api('POST', 'model-versions/set-tag', { name: 'edit', version: '1', key: 'checked', value: 'yes' }));
    ok(await api('DELETE', 'registered-models/delete-tag', { name: 'edit', key: 'team' }));
    ok(await api('DELETE', 'model-versions/delete-tag', { name: 'edit', version: '1', key: 'k' }));
    ok(await api('POST', 'registered-models/alias', { name: 'edit', alias: 'prod', version: '1' }));
    let model = ok(await get('registered-models/get', { name: 'edit' })).registered_model!;
    assert.deepEqual(model.tags, [{ key: 'owner', value: 'me' }]);
    assert.deepEqual(model.latest_versions![0].tags, [{ key: 'checked', value: 'yes' }]);
    assert.deepEqual(model.aliases, [{ alias: 'prod', version: '1' }]);

    ok(await api('DELETE', 'registered-models/alias', { name: 'edit', alias: 'prod' }));
    model = ok(await get('registered-models/get', { name: 'edit' })).registered_model!;
    assert.equal(model.aliases, undefined);

    ok(await api('POST', 'registered-models/rename', { name: 'edit', new_name: 'edited' }));
    assert.equal(ok(await get('model-versions/get', { name: 'edited', version: '1' })).model_version!.name, 'edited');

    assert.deepEqual(ok(await api('DELETE', 'model-versions/delete', { name: 'edited', version: '1' })), {});
    assert.equal((await get('model-versions/get', { name: 'edited', version: '1' })).status, 404);
    assert.deepEqual(ok(await api('DELETE', 'registered-models/delete', { name: 'edited' })), {});
    assert.equal((await get('registered-models/get', { name: 'edited' })).status, 404);
    assert.deepEqual(server.logged, []);
  });

  test('searches take filter, max_results, repeated order_by and page tokens from the query string', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      ok(await api('POST', 'registered-models/create', { name }));
      ok(await api('POST', 'model-versions/create', { name, source: `s3://bucket/${name}` }));
    }
    const first = ok(
      await get('registered-models/search', { filter: "name LIKE 'page-%'", max_results: '2', order_by: ['name DESC'] }),
    );
    assert.deepEqual(first.registered_models!.map((m) => m.name), ['page-c', 'page-b']);
    const second = ok(
      await get('registered-models/search', {
        filter: "name LIKE 'page-%'",
        max_results: '2',
        order_by: ['name DESC'],
        page_token: first.next_page_token!,
      }),
    );
    assert.deepEqual(second.registered_models!.map((m) => m.name), ['page-a']);
    assert.equal(second.next_page_token, undefined);
    assert.deepEqual(ok(await get('registered-models/search', { filter: "name = 'absent'" })), {});

    const versions = ok(
      await get('model-versions/search', { filter: "name LIKE 'page-%'", order_by: ['name ASC', 'version_number DESC'] }),
    ).model_versions!;
    assert.deepEqual(versions.map((v) => v.name), ['page-a', 'page-b', 'page-c']);
    assert.deepEqual(Object.keys(versions[0]), versionFields);
  });

  test('get-latest-versions answers POST with a stages array and GET with repeated stages', async () => {
    ok(await api('POST', 'registered-models/create', { name: 'latest' }));
    for (let i = 0; i < 3; i++) ok(await api('POST', 'model-versions/create', { name: 'latest', source: `s3://l/${i}` }));
    ok(await api('POST', 'model-versions/transition-stage', { name: 'latest', version: '2', stage: 'production', archive_existing_versions: true }));
    const posted = ok(await api('POST', 'registered-models/get-latest-versions', { name: 'latest', stages: ['Production'] }));
    assert.deepEqual(posted.model_versions!.map((v) => v.version), ['2']);
    const fetched = ok(await get('registered-models/get-latest-versions', { name: 'latest', stages: ['None', 'Production'] }));
    // Stages in the order of their first version, as MLflow: None (version 1) before Production (version 2).
    assert.deepEqual(fetched.model_versions!.map((v) => v.version), ['3', '2']);
    assert.deepEqual(ok(await api('POST', 'registered-models/get-latest-versions', { name: 'latest', stages: ['Archived'] })), {});
  });

  test('client mistakes are 400 or 404 with MLflow errors, never 5xx', async () => {
    const cases: [() => Promise<Reply>, number, string, RegExp][] = [
      [() => api('POST', 'registered-models/create', {}), 400, 'INVALID_PARAMETER_VALUE', /^Missing value for required parameter 'name'\. See the API docs/],
      [() => api('POST', 'registered-models/create', { name: 5 }), 400, 'INVALID_PARAMETER_VALUE', /Invalid value 5 for parameter 'name'/],
      [() => api('POST', 'registered-models/create', { name: 'x', tags: 'a=b' }), 400, 'INVALID_PARAMETER_VALUE', /parameter 'tags'/],
      [() => api('POST', 'registered-models/create', { name: 'x', tags: [{ value: 'v' }] }), 400, 'INVALID_PARAMETER_VALUE', /'tags\[0\]\.key'/],
      [() => get('registered-models/search', { max_results: 'lots' }), 400, 'INVALID_PARAMETER_VALUE', /max_results/],
      [() => get('registered-models/search', { filter: 'name ~ 1' }), 400, 'INVALID_PARAMETER_VALUE', /column 6/],
      [() => get('model-versions/search', { order_by: ['stage'] }), 400, 'INVALID_PARAMETER_VALUE', /not by 'stage'/],
      [() => get('model-versions/get', { name: 'nope', version: 'x' }), 400, 'INVALID_PARAMETER_VALUE', /must be an integer/],
      [() => get('registered-models/get', { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', /not found/],
      [() => api('POST', 'model-versions/create', { name: 'nope' }), 400, 'INVALID_PARAMETER_VALUE', /'source'/],
      [() => api('POST', 'model-versions/create', { name: 'nope', source: 's3://x/../y' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid model version source/],
      [() => api('POST', 'model-versions/transition-stage', { name: 'rf_model', version: '1', stage: 'Gold' }), 400, 'INVALID_PARAMETER_VALUE', /Invalid Model Version stage/],
      [() => api('POST', 'model-versions/transition-stage', { name: 'rf_model', version: '1', stage: 'None', archive_existing_versions: 'yes' }), 400, 'INVALID_PARAMETER_VALUE', /archive_existing_versions/],
      [() => api('POST', 'registered-models/alias', { name: 'rf_model', alias: 'latest', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', /reserved/],
      [() => api('DELETE', 'registered-models/delete', {}), 400, 'INVALID_PARAMETER_VALUE', /'name'/],
      // Versions are strings on the wire; MLflow's handler refuses a JSON number.
      [() => api('POST', 'registered-models/alias', { name: 'rf_model', alias: 'a', version: 1 }), 400, 'INVALID_PARAMETER_VALUE', /Value was of type 'int'/],
    ];
    for (const [send, status, code, message] of cases) {
      const answer = await send();
      const error = failure(answer);
      assert.equal(error.status, status, answer.text);
      assert.equal(error.error_code, code, answer.text);
      assert.match(error.message, message);
    }
    assert.deepEqual(server.logged, []);
  });
});
