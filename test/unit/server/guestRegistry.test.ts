// Issue 14: the registry's store operations, which the Models view and the model commands use in
// every window: in process in the owner's, over the owner's private routes (real HTTP on loopback)
// in a guest's. Both answer the same; bad arguments get MLflow's errors and change nothing.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runStoreOperation } from '../../../src/core/store/storeOperations';
import { storeRootOf } from '../../../src/core/store/runArtifactRoot';
import { OwnerRequestError, ownerAccess } from '../../../src/vscode/ownerClient';
import { startTestServer, type TestServer } from './support/testServer';

describe('registry store operations for a guest window', () => {
  let t: TestServer;
  let experimentId: string;
  let runId: string;

  before(async () => {
    t = await startTestServer();
    experimentId = t.store.createExperiment({ name: 'models' });
    runId = t.store.createRun({ experimentId, runName: 'trained', startTime: 1_000 }).info.run_id;
  });

  after(async () => {
    assert.deepEqual(t.logged, [], 'no request of this suite may be a server bug (500)');
    await t.close();
  });

  const parts = () => ({ tracking: t.store, traces: t.traces, artifacts: t.artifacts, registry: t.registry });
  const access = () => ownerAccess({ url: t.server.url, token: t.token }, t.artifactRoot);

  test("a run's model sources: its logged models and its artifact folders with an MLmodel file", async () => {
    const logged = t.store.createLoggedModel({ experimentId, name: 'clf', sourceRunId: runId });
    const root = storeRootOf(t.store.getRun(runId).info.artifact_uri);
    assert.ok(root);
    await t.artifacts.write(`${root}/sk_model/MLmodel`, Readable.from(['flavors: {}\n']));
    await t.artifacts.write(`${root}/plots/loss.png`, Readable.from(['png']));
    const sources = await access().call('runModelSources', { runId });
    assert.deepEqual(
      sources.map((s) => s.source),
      [`models:/${logged.info.model_id}`, `runs:/${runId}/sk_model`],
    );
    assert.deepEqual(sources, await runStoreOperation(parts(), 'runModelSources', { runId }));
  });

  test('registering from a guest makes the model once, then adds versions to it', async () => {
    const first = await access().call('registerRunModel', { runId, name: 'churn', source: `runs:/${runId}/sk_model` });
    const second = await access().call('registerRunModel', { runId, name: 'churn', source: `runs:/${runId}/sk_model` });
    assert.deepEqual([first.version, second.version], [1, 2]);
    assert.equal(t.registry.getModelVersion('churn', 2).runId, runId);
    assert.deepEqual(
      t.registry.searchRegisteredModels().items.map((m) => m.name),
      ['churn'],
    );
  });

  test("the view's reads answer what they answer in process: models by name, versions newest first", async () => {
    t.registry.createRegisteredModel('alpha');
    const models = await access().call('registeredModels', { limit: 1000 });
    assert.deepEqual(
      models.map((m) => m.name),
      ['alpha', 'churn'],
    );
    assert.deepEqual(models, await runStoreOperation(parts(), 'registeredModels', { limit: 1000 }));
    assert.deepEqual(
      (await access().call('registeredModels', { limit: 1 })).map((m) => m.name),
      ['alpha'],
      'one page of at most limit',
    );
    const versions = await access().call('modelVersions', { name: 'churn', limit: 1000 });
    assert.deepEqual(
      versions.map((v) => v.version),
      [2, 1],
    );
    assert.deepEqual(versions, await runStoreOperation(parts(), 'modelVersions', { name: 'churn', limit: 1000 }));
    assert.deepEqual(await access().call('modelVersions', { name: 'alpha', limit: 1000 }), []);
  });

  test('aliases and stages set from a guest land in the registry, and the print follows', async () => {
    const print = async () => (await access().call('registryPrint', {})).print;
    const before = await print();
    t.store.logMetric(runId, { key: 'loss', value: 0.5, timestamp: 2_000, step: 0 });
    assert.equal(await print(), before, 'a metric is not something the Models view shows');
    await access().call('setModelAlias', { name: 'churn', alias: 'champion', version: 1 });
    const withAlias = await print();
    assert.notEqual(withAlias, before);
    assert.deepEqual(t.registry.getModelVersion('churn', 1).aliases, ['champion']);
    // An alias moves; MLflow writes version numbers as strings too.
    await access().call('setModelAlias', { name: 'churn', alias: 'champion', version: '2' as unknown as number });
    assert.deepEqual(t.registry.getModelVersion('churn', 1).aliases, []);
    assert.deepEqual((await access().call('getModelVersion', { name: 'churn', version: 2 })).aliases, ['champion']);
    await access().call('deleteModelAlias', { name: 'churn', alias: 'champion' });
    assert.deepEqual(t.registry.getModelVersion('churn', 2).aliases, []);
    await access().call('transitionModelStage', { name: 'churn', version: 1, stage: 'Production', archiveExisting: false });
    const moved = await access().call('transitionModelStage', { name: 'churn', version: 2, stage: 'production', archiveExisting: true });
    assert.equal(moved.currentStage, 'Production');
    assert.equal(t.registry.getModelVersion('churn', 1).currentStage, 'Archived', 'archived by the second transition');
    const staged = await print();
    t.registry.setModelVersionTag('churn', 2, 'validated', 'yes');
    assert.notEqual(await print(), staged, "a version's tag shows in the view's tooltip data");
    assert.equal(await print(), await runStoreOperation(parts(), 'registryPrint', {}).then((r) => r.print));
  });

  test('bad arguments are refused with clear MLflow errors and change nothing', async () => {
    const before = (await runStoreOperation(parts(), 'registryPrint', {})).print;
    const cases: [string, unknown, number, string, RegExp][] = [
      ['registeredModels', {}, 400, 'INVALID_PARAMETER_VALUE', /limit/],
      ['registeredModels', { limit: 1001 }, 400, 'INVALID_PARAMETER_VALUE', /1 to 1000/],
      ['modelVersions', { limit: 10 }, 400, 'INVALID_PARAMETER_VALUE', /name/],
      ['getModelVersion', { name: 'churn', version: 'latest' }, 400, 'INVALID_PARAMETER_VALUE', /version/],
      ['getModelVersion', { name: 'churn', version: 0 }, 400, 'INVALID_PARAMETER_VALUE', /version/],
      ['getModelVersion', { name: 'churn', version: 9 }, 404, 'RESOURCE_DOES_NOT_EXIST', /churn/],
      ['setModelAlias', { name: 'churn', version: 1 }, 400, 'INVALID_PARAMETER_VALUE', /alias/],
      ['setModelAlias', { name: 'churn', alias: 'latest', version: 1 }, 400, 'INVALID_PARAMETER_VALUE', /latest/],
      ['setModelAlias', { name: 'nope', alias: 'best', version: 1 }, 404, 'RESOURCE_DOES_NOT_EXIST', /nope/],
      ['transitionModelStage', { name: 'churn', version: 1, stage: 'Live' }, 400, 'INVALID_PARAMETER_VALUE', /Live/],
      ['transitionModelStage', { name: 'churn', version: 1, stage: 'Staging', archiveExisting: 'yes' }, 400, 'INVALID_PARAMETER_VALUE', /archiveExisting/],
      ['registerRunModel', { runId, name: 'churn' }, 400, 'INVALID_PARAMETER_VALUE', /source/],
      ['registerRunModel', { runId: 'f'.repeat(32), name: 'ghost', source: 'runs:/x/m' }, 404, 'RESOURCE_DOES_NOT_EXIST', /f{32}/],
      ['runModelSources', { runId: 7 }, 400, 'INVALID_PARAMETER_VALUE', /runId/],
    ];
    for (const [operation, body, status, code, says] of cases) {
      const reply = await t.client.post(`/api/2.0/runlens/store/${operation}`, body);
      assert.equal(reply.status, status, `${operation} ${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(reply.json().error_code, code, operation);
      assert.match(reply.json<{ message: string }>().message, says, operation);
    }
    assert.equal((await runStoreOperation(parts(), 'registryPrint', {})).print, before);
    assert.deepEqual(
      t.registry.searchRegisteredModels().items.map((m) => m.name),
      ['alpha', 'churn'],
      'no model made by a refused registration',
    );
    // A guest hears the owner's refusal as the owner said it (the command shows this message).
    await assert.rejects(access().call('deleteModelAlias', { name: 'gone', alias: 'best' }), (error) => {
      assert.ok(error instanceof OwnerRequestError);
      assert.equal(error.errorCode, 'RESOURCE_DOES_NOT_EXIST');
      assert.match(error.message, /gone/);
      return true;
    });
  });
});
