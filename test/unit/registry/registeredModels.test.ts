import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { errorOf, openRegistry, registrySnapshot, startTime, type RegistryFixture } from './support/registryFixture';

describe('registered models', () => {
  let fixture: RegistryFixture;
  let registry: ModelRegistry;

  beforeEach(async () => {
    fixture = await openRegistry();
    registry = fixture.registry;
  });
  afterEach(() => fixture.db.close());

  test('create returns the model with its tags and description', () => {
    const model = registry.createRegisteredModel('fraud', {
      description: 'Catches fraud',
      tags: [
        { key: 'team', value: 'risk' },
        { key: 'tier', value: '1' },
      ],
    });
    assert.deepEqual(model, {
      name: 'fraud',
      creationTimestamp: startTime,
      lastUpdatedTimestamp: startTime,
      description: 'Catches fraud',
      latestVersions: [],
      tags: [
        { key: 'team', value: 'risk' },
        { key: 'tier', value: '1' },
      ],
      aliases: [],
    });
    assert.deepEqual(registry.getRegisteredModel('fraud'), model);
  });

  test('a tag given twice on create keeps its last value', () => {
    const model = registry.createRegisteredModel('m', {
      tags: [
        { key: 'k', value: 'first' },
        { key: 'k', value: 'second' },
      ],
    });
    assert.deepEqual(model.tags, [{ key: 'k', value: 'second' }]);
  });

  test('creating an existing name is RESOURCE_ALREADY_EXISTS with MLflow message and changes nothing', () => {
    registry.createRegisteredModel('rf_model', { description: 'original' });
    const before = registrySnapshot(fixture.db);
    fixture.clock.tick();
    const error = errorOf(() => registry.createRegisteredModel('rf_model', { description: 'other' }));
    assert.deepEqual(error, {
      code: 'RESOURCE_ALREADY_EXISTS',
      status: 400,
      message: 'Registered Model (name=rf_model) already exists.',
    });
    assert.deepEqual(registrySnapshot(fixture.db), before);
  });

  test('names are case-sensitive, as MLflow keys them', () => {
    registry.createRegisteredModel('Model');
    registry.createRegisteredModel('model');
    assert.equal(registry.searchRegisteredModels().items.length, 2);
  });

  test('an empty name or a bad tag is refused before anything is written', () => {
    assert.equal(errorOf(() => registry.createRegisteredModel('')).code, 'INVALID_PARAMETER_VALUE');
    for (const key of ['', '../up', 'a//b', 'semi;colon', 'x'.repeat(251)]) {
      const error = errorOf(() => registry.createRegisteredModel('m', { tags: [{ key, value: 'v' }] }));
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE', key);
      assert.equal(error.status, 400);
    }
    const longValue = errorOf(() => registry.createRegisteredModel('m', { tags: [{ key: 'k', value: 'v'.repeat(5001) }] }));
    assert.match(longValue.message, /'value' exceeds the maximum length of 5000 characters/);
    assert.deepEqual(fixture.db.all('SELECT * FROM registered_models'), []);
  });

  test('get of an unknown model is RESOURCE_DOES_NOT_EXIST (404)', () => {
    assert.deepEqual(errorOf(() => registry.getRegisteredModel('nope')), {
      code: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
      message: 'Registered Model with name=nope not found',
    });
  });

  test('update sets the description and the update time', () => {
    registry.createRegisteredModel('m', { description: 'old' });
    const later = fixture.clock.tick();
    const updated = registry.updateRegisteredModel('m', 'new');
    assert.equal(updated.description, 'new');
    assert.equal(updated.lastUpdatedTimestamp, later);
    assert.equal(updated.creationTimestamp, startTime);
    assert.equal(errorOf(() => registry.updateRegisteredModel('nope', 'x')).code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('rename moves versions, tags, version tags and aliases to the new name', () => {
    registry.createRegisteredModel('old', { tags: [{ key: 'team', value: 'risk' }] });
    registry.createModelVersion({ name: 'old', source: 's3://bucket/a', tags: [{ key: 'vt', value: '1' }] });
    registry.createModelVersion({ name: 'old', source: 's3://bucket/b' });
    registry.transitionModelVersionStage('old', 2, 'Production', false);
    registry.setRegisteredModelAlias('old', 'champion', 2);
    const renamedAt = fixture.clock.tick();

    const renamed = registry.renameRegisteredModel('old', 'new');

    assert.equal(renamed.name, 'new');
    assert.equal(renamed.lastUpdatedTimestamp, renamedAt);
    assert.deepEqual(renamed.tags, [{ key: 'team', value: 'risk' }]);
    assert.deepEqual(renamed.aliases, [{ alias: 'champion', version: 2 }]);
    assert.deepEqual(
      renamed.latestVersions.map((v) => [v.name, v.version, v.currentStage]),
      [
        ['new', 1, 'None'],
        ['new', 2, 'Production'],
      ],
    );
    const first = registry.getModelVersion('new', 1);
    assert.deepEqual(first.tags, [{ key: 'vt', value: '1' }]);
    assert.equal(first.lastUpdatedTimestamp, renamedAt);
    assert.equal(registry.getModelVersionByAlias('new', 'champion').version, 2);
    assert.equal(errorOf(() => registry.getRegisteredModel('old')).code, 'RESOURCE_DOES_NOT_EXIST');
    for (const table of ['model_versions', 'registered_model_tags', 'model_version_tags', 'registered_model_aliases']) {
      assert.deepEqual(fixture.db.all(`SELECT 1 FROM ${table} WHERE name = 'old'`), [], table);
    }
    // The next version continues the numbering the model had under its old name.
    assert.equal(registry.createModelVersion({ name: 'new', source: 's3://bucket/c' }).version, 3);
  });

  test('rename onto an existing name is refused and changes nothing', () => {
    registry.createRegisteredModel('a');
    registry.createRegisteredModel('b');
    registry.createModelVersion({ name: 'a', source: 's3://x' });
    const before = registrySnapshot(fixture.db);
    assert.deepEqual(errorOf(() => registry.renameRegisteredModel('a', 'b')), {
      code: 'RESOURCE_ALREADY_EXISTS',
      status: 400,
      message: 'Registered Model (name=b) already exists.',
    });
    assert.equal(errorOf(() => registry.renameRegisteredModel('a', '')).code, 'INVALID_PARAMETER_VALUE');
    assert.equal(errorOf(() => registry.renameRegisteredModel('nope', 'c')).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.deepEqual(registrySnapshot(fixture.db), before);
  });

  test('delete removes the model with its versions, tags and aliases, and nothing of other models', () => {
    for (const name of ['gone', 'kept']) {
      registry.createRegisteredModel(name, { tags: [{ key: 'k', value: name }] });
      registry.createModelVersion({ name, source: 's3://x', tags: [{ key: 'vk', value: name }] });
      registry.setRegisteredModelAlias(name, 'champion', 1);
    }
    registry.deleteRegisteredModel('gone');
    for (const table of [
      'registered_models',
      'registered_model_tags',
      'model_versions',
      'model_version_tags',
      'registered_model_aliases',
    ]) {
      assert.deepEqual(
        fixture.db.all<{ name: string }>(`SELECT DISTINCT name FROM ${table}`).map((row) => row.name),
        ['kept'],
        table,
      );
    }
    assert.equal(errorOf(() => registry.deleteRegisteredModel('gone')).code, 'RESOURCE_DOES_NOT_EXIST');
    // The name is free again, and numbering starts over.
    registry.createRegisteredModel('gone');
    assert.equal(registry.createModelVersion({ name: 'gone', source: 's3://y' }).version, 1);
  });

  test('tags are set, replaced and deleted; deleting an absent tag is fine', () => {
    registry.createRegisteredModel('m');
    registry.setRegisteredModelTag('m', 'stage.note', 'a');
    registry.setRegisteredModelTag('m', 'stage.note', 'b');
    registry.setRegisteredModelTag('m', 'owner', 'me');
    assert.deepEqual(registry.getRegisteredModel('m').tags, [
      { key: 'owner', value: 'me' },
      { key: 'stage.note', value: 'b' },
    ]);
    registry.deleteRegisteredModelTag('m', 'owner');
    registry.deleteRegisteredModelTag('m', 'never-set');
    assert.deepEqual(registry.getRegisteredModel('m').tags, [{ key: 'stage.note', value: 'b' }]);
    assert.equal(errorOf(() => registry.setRegisteredModelTag('nope', 'k', 'v')).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(errorOf(() => registry.deleteRegisteredModelTag('nope', 'k')).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(errorOf(() => registry.setRegisteredModelTag('m', '/abs', 'v')).code, 'INVALID_PARAMETER_VALUE');
  });

  test('latest_versions holds the greatest version of each stage, stages in order of their first version', () => {
    registry.createRegisteredModel('m');
    for (let i = 0; i < 5; i++) registry.createModelVersion({ name: 'm', source: `s3://v${i + 1}` });
    registry.transitionModelVersionStage('m', 2, 'Staging', false);
    registry.transitionModelVersionStage('m', 3, 'Production', false);
    registry.transitionModelVersionStage('m', 4, 'Staging', false);
    registry.transitionModelVersionStage('m', 1, 'Archived', false);
    // None: 5; Staging: 2, 4; Production: 3; Archived: 1. First versions: Archived 1, Staging 2, Production 3, None 5.
    assert.deepEqual(
      registry.getRegisteredModel('m').latestVersions.map((v) => [v.currentStage, v.version]),
      [
        ['Archived', 1],
        ['Staging', 4],
        ['Production', 3],
        ['None', 5],
      ],
    );
  });
});
