import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ModelRegistry } from '../../../src/core/store/modelRegistry';
import {
  errorOf,
  insertLoggedModel,
  insertRun,
  openRegistry,
  registrySnapshot,
  startTime,
  type RegistryFixture,
} from './support/registryFixture';

const runId = 'e4dca97ac07a44d9986a21534be2db80';
const modelId = 'm-903c5a539c7f4d558c70d3eceb669b64';
const modelLocation = `mlflow-artifacts:/1/models/${modelId}/artifacts`;

describe('model versions', () => {
  let fixture: RegistryFixture;
  let registry: ModelRegistry;

  beforeEach(async () => {
    fixture = await openRegistry();
    registry = fixture.registry;
    insertRun(fixture.db, runId, `mlflow-artifacts:/1/${runId}/artifacts`);
    insertLoggedModel(fixture.db, modelId, modelLocation, runId);
    registry.createRegisteredModel('rf_model');
  });
  afterEach(() => fixture.db.close());

  test('create from a logged model, as mlflow.register_model does, resolves the artifact location', () => {
    const createdAt = fixture.clock.tick();
    const version = registry.createModelVersion({ name: 'rf_model', source: `models:/${modelId}`, runId, modelId });
    assert.deepEqual(version, {
      name: 'rf_model',
      version: 1,
      creationTimestamp: createdAt,
      lastUpdatedTimestamp: createdAt,
      description: '',
      userId: '',
      currentStage: 'None',
      source: `models:/${modelId}`,
      runId,
      runLink: '',
      status: 'READY',
      statusMessage: '',
      storageLocation: modelLocation,
      modelId,
      tags: [],
      aliases: [],
    });
    assert.equal(registry.getModelVersionDownloadUri('rf_model', '1'), modelLocation);
    // Registering a version counts as an update of the model.
    assert.equal(registry.getRegisteredModel('rf_model').lastUpdatedTimestamp, createdAt);
  });

  test("registering with a model_id lists the version in the logged model's mlflow.modelVersions tag", () => {
    const modelVersionsTag = () =>
      fixture.db.get<{ value: string }>(
        "SELECT value FROM logged_model_tags WHERE model_id = ? AND key = 'mlflow.modelVersions'",
        [modelId],
      )?.value;
    registry.createModelVersion({ name: 'rf_model', source: `models:/${modelId}`, modelId });
    // Exactly what MLflow's server writes (requests.jsonl, seq 43), json.dumps spacing included.
    assert.equal(modelVersionsTag(), '[{"name": "rf_model", "version": 1}]');

    // The client then PATCHes the list with its own entry appended; a later registration keeps it.
    fixture.db.write((tx) =>
      tx.run("UPDATE logged_model_tags SET value = ? WHERE model_id = ? AND key = 'mlflow.modelVersions'", [
        '[{"name": "rf_model", "version": 1}, {"name": "rf_model", "version": "1"}]',
        modelId,
      ]),
    );
    registry.createRegisteredModel('modèle');
    registry.createModelVersion({ name: 'modèle', source: `models:/${modelId}`, modelId });
    assert.equal(
      modelVersionsTag(),
      '[{"name": "rf_model", "version": 1}, {"name": "rf_model", "version": "1"}, {"name": "mod\\u00e8le", "version": 1}]',
    );

    // Without model_id (source alone), MLflow leaves the tag alone.
    registry.createModelVersion({ name: 'rf_model', source: `models:/${modelId}` });
    assert.match(modelVersionsTag()!, /"version": 1}]$/);
  });

  test('an unknown model_id is a 404 and registers nothing', () => {
    const before = registrySnapshot(fixture.db);
    const error = errorOf(() => registry.createModelVersion({ name: 'rf_model', source: 's3://bucket/m', modelId: 'm-nope' }));
    assert.equal(error.code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(error.status, 404);
    assert.deepEqual(registrySnapshot(fixture.db), before);
  });

  test('a models:/<model_id> source without run_id takes the logged model source run', () => {
    const version = registry.createModelVersion({ name: 'rf_model', source: `models:/${modelId}` });
    assert.equal(version.runId, runId);
    assert.equal(version.modelId, modelId);
  });

  test('versions count up from 1 and keep description, run link and tags', () => {
    const first = registry.createModelVersion({ name: 'rf_model', source: 's3://bucket/model' });
    const second = registry.createModelVersion({
      name: 'rf_model',
      source: 's3://bucket/model2',
      description: 'second',
      runLink: 'http://elsewhere/run',
      tags: [{ key: 'validated', value: 'yes' }],
    });
    assert.deepEqual([first.version, second.version], [1, 2]);
    assert.equal(second.description, 'second');
    assert.equal(second.runLink, 'http://elsewhere/run');
    assert.deepEqual(second.tags, [{ key: 'validated', value: 'yes' }]);
    assert.equal(registry.getModelVersionDownloadUri('rf_model', 2), 's3://bucket/model2');
  });

  test('a runs:/ source resolves to the run artifact root joined with the path', () => {
    const version = registry.createModelVersion({ name: 'rf_model', source: `runs:/${runId}/random_forest_model` });
    assert.equal(version.storageLocation, `mlflow-artifacts:/1/${runId}/artifacts/random_forest_model`);
    assert.equal(version.runId, runId);
    assert.equal(
      registry.getModelVersionDownloadUri('rf_model', version.version),
      `mlflow-artifacts:/1/${runId}/artifacts/random_forest_model`,
    );
    // A run this store does not hold keeps its URI, for the client to resolve.
    const foreign = registry.createModelVersion({ name: 'rf_model', source: 'runs:/0123456789abcdef/model' });
    assert.equal(registry.getModelVersionDownloadUri('rf_model', foreign.version), 'runs:/0123456789abcdef/model');
  });

  test('a models:/name/version, /stage, /latest or @alias source resolves through the registry', () => {
    registry.createModelVersion({ name: 'rf_model', source: `models:/${modelId}` });
    registry.createModelVersion({ name: 'rf_model', source: 's3://bucket/two' });
    registry.transitionModelVersionStage('rf_model', 1, 'Production', false);
    registry.setRegisteredModelAlias('rf_model', 'champion', 2);
    registry.createRegisteredModel('copy');
    const location = (source: string) => registry.createModelVersion({ name: 'copy', source }).storageLocation;
    assert.equal(location('models:/rf_model/1'), modelLocation);
    assert.equal(location('models:/rf_model/production'), modelLocation);
    assert.equal(location('models:/rf_model/latest'), 's3://bucket/two');
    assert.equal(location('models:/rf_model@champion'), 's3://bucket/two');
  });

  test('a source that cannot be resolved is a 400 and registers nothing', () => {
    const before = registrySnapshot(fixture.db);
    for (const source of ['models:/m-unknown', 'models:/rf_model/7', 'models:/rf_model@nobody', 'models:/', 'models:/a/b/c']) {
      const error = errorOf(() => registry.createModelVersion({ name: 'rf_model', source }));
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE', source);
      assert.equal(error.status, 400, source);
    }
    assert.match(
      errorOf(() => registry.createModelVersion({ name: 'rf_model', source: 'models:/m-unknown' })).message,
      /Unable to fetch model from model URI source artifact location 'models:\/m-unknown'/,
    );
    assert.deepEqual(registrySnapshot(fixture.db), before);
  });

  test('sources that climb out with .., also percent-encoded, or carry NUL are refused', () => {
    for (const source of [
      'mlflow-artifacts:/1/../../etc',
      's3://bucket/a/../../b',
      'http://host/api/2.0/mlflow-artifacts/artifacts/%2e%2e/%2e%2e/x',
      'mlflow-artifacts://host/..%252f..%252fetc',
      'models:/../m',
      'http://host/x%00',
    ]) {
      const error = errorOf(() => registry.createModelVersion({ name: 'rf_model', source }));
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE', source);
      assert.match(error.message, /Invalid model version source/, source);
    }
    assert.deepEqual(fixture.db.all('SELECT * FROM model_versions'), []);
  });

  test('a local path is accepted only inside the artifacts of the given run or logged model', () => {
    const root = path.join(os.tmpdir(), 'runlens-registry-artifacts', 'run1');
    insertRun(fixture.db, 'localrun', root);
    insertLoggedModel(fixture.db, 'm-local', pathToFileURL(path.join(root, 'models', 'm-local')).href, 'localrun');
    const inside = path.join(root, 'model');
    assert.equal(registry.createModelVersion({ name: 'rf_model', source: inside, runId: 'localrun' }).storageLocation, inside);
    const fileUri = pathToFileURL(path.join(root, 'models', 'm-local', 'MLmodel')).href;
    assert.equal(registry.createModelVersion({ name: 'rf_model', source: fileUri, modelId: 'm-local' }).source, fileUri);
    for (const attempt of [
      { source: path.join(root, '..', 'other'), runId: 'localrun' },
      { source: inside },
      { source: inside, runId: runId },
      { source: '/etc/passwd', runId: 'localrun' },
      { source: 'file:///etc/passwd', modelId: 'm-local' },
    ]) {
      const error = errorOf(() => registry.createModelVersion({ name: 'rf_model', ...attempt }));
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE', JSON.stringify(attempt));
      assert.match(error.message, /To use a local path as a model version source/);
    }
  });

  test('create needs an existing model and a source', () => {
    assert.equal(
      errorOf(() => registry.createModelVersion({ name: 'nope', source: 's3://x' })).code,
      'RESOURCE_DOES_NOT_EXIST',
    );
    assert.equal(errorOf(() => registry.createModelVersion({ name: 'rf_model', source: '' })).code, 'INVALID_PARAMETER_VALUE');
    assert.equal(
      errorOf(() => registry.createModelVersion({ name: 'rf_model', source: 's3://x', tags: [{ key: '', value: 'v' }] })).code,
      'INVALID_PARAMETER_VALUE',
    );
  });

  test('get: unknown versions are 404 with MLflow message, non-integers 400', () => {
    registry.createModelVersion({ name: 'rf_model', source: 's3://x' });
    assert.equal(registry.getModelVersion('rf_model', '1').version, 1);
    assert.deepEqual(errorOf(() => registry.getModelVersion('rf_model', '99')), {
      code: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
      message: 'Model Version (name=rf_model, version=99) not found',
    });
    const notANumber = errorOf(() => registry.getModelVersion('rf_model', 'one'));
    assert.equal(notANumber.code, 'INVALID_PARAMETER_VALUE');
    assert.equal(notANumber.message, "Parameter 'version' must be an integer, got 'one'.");
  });

  test('update sets the description and the update time', () => {
    registry.createModelVersion({ name: 'rf_model', source: 's3://x', description: 'before' });
    const later = fixture.clock.tick();
    const updated = registry.updateModelVersion('rf_model', 1, 'after');
    assert.equal(updated.description, 'after');
    assert.equal(updated.lastUpdatedTimestamp, later);
    assert.equal(updated.creationTimestamp, startTime);
    assert.equal(errorOf(() => registry.updateModelVersion('rf_model', 2, 'x')).code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('transition-stage takes stages in any case and stores the canonical name', () => {
    registry.createModelVersion({ name: 'rf_model', source: 's3://x' });
    const later = fixture.clock.tick();
    const staged = registry.transitionModelVersionStage('rf_model', '1', 'staging', false);
    assert.equal(staged.currentStage, 'Staging');
    assert.equal(staged.lastUpdatedTimestamp, later);
    assert.equal(registry.getRegisteredModel('rf_model').lastUpdatedTimestamp, later);
    assert.equal(registry.transitionModelVersionStage('rf_model', 1, 'PRODUCTION', false).currentStage, 'Production');
    assert.equal(registry.transitionModelVersionStage('rf_model', 1, 'none', false).currentStage, 'None');
    const error = errorOf(() => registry.transitionModelVersionStage('rf_model', 1, 'Live', false));
    assert.equal(error.code, 'INVALID_PARAMETER_VALUE');
    assert.equal(error.message, 'Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.');
  });

  test('archive_existing_versions archives the other versions of that stage only', () => {
    for (let i = 0; i < 4; i++) registry.createModelVersion({ name: 'rf_model', source: `s3://v${i}` });
    registry.createRegisteredModel('other');
    registry.createModelVersion({ name: 'other', source: 's3://o' });
    registry.transitionModelVersionStage('other', 1, 'Production', false);
    registry.transitionModelVersionStage('rf_model', 1, 'Production', false);
    registry.transitionModelVersionStage('rf_model', 2, 'Production', false);
    registry.transitionModelVersionStage('rf_model', 3, 'Staging', false);
    const archivedAt = fixture.clock.tick();

    registry.transitionModelVersionStage('rf_model', 4, 'Production', true);

    const stageOf = (name: string, version: number) => registry.getModelVersion(name, version).currentStage;
    assert.deepEqual([1, 2, 3, 4].map((v) => stageOf('rf_model', v)), ['Archived', 'Archived', 'Staging', 'Production']);
    assert.equal(registry.getModelVersion('rf_model', 1).lastUpdatedTimestamp, archivedAt);
    assert.equal(stageOf('other', 1), 'Production');
    // Without the flag, versions pile up in a stage.
    registry.transitionModelVersionStage('rf_model', 3, 'Production', false);
    assert.deepEqual([3, 4].map((v) => stageOf('rf_model', v)), ['Production', 'Production']);
  });

  test('archive_existing_versions is refused for None and Archived, with nothing changed', () => {
    registry.createModelVersion({ name: 'rf_model', source: 's3://x' });
    registry.createModelVersion({ name: 'rf_model', source: 's3://y' });
    registry.transitionModelVersionStage('rf_model', 1, 'Archived', false);
    const before = registrySnapshot(fixture.db);
    for (const stage of ['None', 'archived']) {
      const error = errorOf(() => registry.transitionModelVersionStage('rf_model', 2, stage, true));
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE');
      assert.match(error.message, /cannot archive existing model versions because '.*' is not an Active stage/);
    }
    assert.deepEqual(registrySnapshot(fixture.db), before);
  });

  test('delete removes the version and its aliases; its number is never given again', () => {
    registry.createModelVersion({ name: 'rf_model', source: 's3://a' });
    registry.createModelVersion({ name: 'rf_model', source: 's3://b', tags: [{ key: 'k', value: 'v' }] });
    registry.setRegisteredModelAlias('rf_model', 'champion', 2);
    registry.setRegisteredModelAlias('rf_model', 'backup', 1);
    registry.transitionModelVersionStage('rf_model', 2, 'Production', false);

    registry.deleteModelVersion('rf_model', '2');

    assert.equal(errorOf(() => registry.getModelVersion('rf_model', 2)).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(errorOf(() => registry.getModelVersionByAlias('rf_model', 'champion')).code, 'INVALID_PARAMETER_VALUE');
    const model = registry.getRegisteredModel('rf_model');
    assert.deepEqual(model.aliases, [{ alias: 'backup', version: 1 }]);
    assert.deepEqual(model.latestVersions.map((v) => v.version), [1]);
    assert.deepEqual(registry.searchModelVersions().items.map((v) => v.version), [1]);
    assert.deepEqual(registry.getLatestVersions('rf_model', ['Production']), []);
    assert.equal(errorOf(() => registry.deleteModelVersion('rf_model', 2)).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(errorOf(() => registry.setModelVersionTag('rf_model', 2, 'k', 'v')).code, 'RESOURCE_DOES_NOT_EXIST');
    // What the tombstone keeps: nothing of the deleted version's source or tags.
    assert.deepEqual(fixture.db.all("SELECT source, run_id, storage_location FROM model_versions WHERE version = 2"), [
      { source: 'REDACTED-SOURCE-PATH', run_id: 'REDACTED-RUN-ID', storage_location: '' },
    ]);
    assert.deepEqual(fixture.db.all('SELECT * FROM model_version_tags'), []);
    assert.equal(registry.createModelVersion({ name: 'rf_model', source: 's3://c' }).version, 3);
  });

  test('get-latest-versions: per stage, filtered by stages in any case, with aliases', () => {
    for (let i = 0; i < 3; i++) registry.createModelVersion({ name: 'rf_model', source: `s3://v${i}` });
    registry.transitionModelVersionStage('rf_model', 1, 'Production', false);
    registry.transitionModelVersionStage('rf_model', 2, 'Staging', false);
    registry.setRegisteredModelAlias('rf_model', 'champion', 1);
    const all = registry.getLatestVersions('rf_model');
    assert.deepEqual(all.map((v) => [v.version, v.currentStage, v.aliases]), [
      [1, 'Production', ['champion']],
      [2, 'Staging', []],
      [3, 'None', []],
    ]);
    assert.deepEqual(registry.getLatestVersions('rf_model', ['production', 'None']).map((v) => v.version), [1, 3]);
    assert.deepEqual(registry.getLatestVersions('rf_model', ['Archived']), []);
    assert.equal(errorOf(() => registry.getLatestVersions('rf_model', ['Gold'])).code, 'INVALID_PARAMETER_VALUE');
    assert.equal(errorOf(() => registry.getLatestVersions('nope')).code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('version tags are set, replaced and deleted', () => {
    registry.createModelVersion({ name: 'rf_model', source: 's3://x' });
    registry.setModelVersionTag('rf_model', '1', 'quality', 'low');
    registry.setModelVersionTag('rf_model', 1, 'quality', 'high');
    registry.setModelVersionTag('rf_model', 1, 'a', '');
    assert.deepEqual(registry.getModelVersion('rf_model', 1).tags, [
      { key: 'a', value: '' },
      { key: 'quality', value: 'high' },
    ]);
    registry.deleteModelVersionTag('rf_model', 1, 'a');
    registry.deleteModelVersionTag('rf_model', 1, 'absent');
    assert.deepEqual(registry.getModelVersion('rf_model', 1).tags, [{ key: 'quality', value: 'high' }]);
    assert.equal(errorOf(() => registry.setModelVersionTag('rf_model', 9, 'k', 'v')).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(errorOf(() => registry.deleteModelVersionTag('rf_model', 9, 'k')).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(errorOf(() => registry.setModelVersionTag('rf_model', 1, 'k', 'v'.repeat(5001))).code, 'INVALID_PARAMETER_VALUE');
  });
});
