import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { errorOf, openRegistry, registrySnapshot, type RegistryFixture } from './support/registryFixture';

describe('aliases', () => {
  let fixture: RegistryFixture;
  let registry: ModelRegistry;

  beforeEach(async () => {
    fixture = await openRegistry();
    registry = fixture.registry;
    registry.createRegisteredModel('rf_model');
    registry.createModelVersion({ name: 'rf_model', source: 's3://one' });
    registry.createModelVersion({ name: 'rf_model', source: 's3://two' });
  });
  afterEach(() => fixture.db.close());

  test('an alias names a version, shows on the version and the model, and moves when set again', () => {
    registry.setRegisteredModelAlias('rf_model', 'champion', '1');
    registry.setRegisteredModelAlias('rf_model', 'challenger', 2);
    const byAlias = registry.getModelVersionByAlias('rf_model', 'champion');
    assert.equal(byAlias.version, 1);
    assert.deepEqual(byAlias.aliases, ['champion']);
    assert.deepEqual(registry.getRegisteredModel('rf_model').aliases, [
      { alias: 'challenger', version: 2 },
      { alias: 'champion', version: 1 },
    ]);

    registry.setRegisteredModelAlias('rf_model', 'champion', 2);
    assert.equal(registry.getModelVersionByAlias('rf_model', 'champion').version, 2);
    assert.deepEqual(registry.getModelVersion('rf_model', 2).aliases, ['challenger', 'champion']);
    assert.deepEqual(registry.getModelVersion('rf_model', 1).aliases, []);
  });

  test('an unknown alias is INVALID_PARAMETER_VALUE (400), as the real server answers', () => {
    assert.deepEqual(errorOf(() => registry.getModelVersionByAlias('rf_model', 'nope')), {
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
      message: 'Registered model alias nope not found.',
    });
  });

  test('delete removes the alias; deleting an absent alias is fine; unknown models are 404', () => {
    registry.setRegisteredModelAlias('rf_model', 'champion', 1);
    registry.deleteRegisteredModelAlias('rf_model', 'champion');
    registry.deleteRegisteredModelAlias('rf_model', 'never');
    assert.deepEqual(registry.getRegisteredModel('rf_model').aliases, []);
    assert.equal(errorOf(() => registry.deleteRegisteredModelAlias('nope', 'champion')).code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('an alias must point at an existing version', () => {
    assert.deepEqual(errorOf(() => registry.setRegisteredModelAlias('rf_model', 'champion', 3)), {
      code: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
      message: 'Model Version (name=rf_model, version=3) not found',
    });
    assert.equal(errorOf(() => registry.setRegisteredModelAlias('rf_model', 'champion', 'x')).code, 'INVALID_PARAMETER_VALUE');
  });

  test("alias names follow MLflow's rules", () => {
    const before = registrySnapshot(fixture.db);
    const refusals: Record<string, RegExp> = {
      '': /cannot be empty/,
      latest: /'latest' alias name \(case insensitive\) is reserved/,
      LaTeSt: /is reserved/,
      v1: /Version alias name 'v1' is reserved/,
      V20: /is reserved/,
      'has space': /Names may only contain alphanumerics, underscores \(_\), and dashes \(-\)/,
      'dot.ted': /Names may only contain/,
      ['a'.repeat(256)]: /exceeds the maximum length of 255/,
    };
    for (const [alias, message] of Object.entries(refusals)) {
      const error = errorOf(() => registry.setRegisteredModelAlias('rf_model', alias, 1));
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE', alias);
      assert.match(error.message, message, alias);
    }
    assert.deepEqual(registrySnapshot(fixture.db), before);
    for (const alias of ['champion', 'v1x', 'version1', 'blue-green_2', 'a'.repeat(255)]) {
      registry.setRegisteredModelAlias('rf_model', alias, 1);
    }
    assert.equal(registry.getRegisteredModel('rf_model').aliases.length, 5);
  });
});
