import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ModelRegistry } from '../../../src/core/store/modelRegistry';
import type { Page } from '../../../src/core/search/paging';
import { errorOf, insertRun, openRegistry, type RegistryFixture } from './support/registryFixture';

describe('registry searches', () => {
  let fixture: RegistryFixture;
  let registry: ModelRegistry;

  beforeEach(async () => {
    fixture = await openRegistry();
    registry = fixture.registry;
  });
  afterEach(() => fixture.db.close());

  /** Follows next_page_token to the end, returning the pages' names. */
  function allPages<T>(search: (pageToken?: string) => Page<T>, nameOf: (item: T) => string): string[][] {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = search(token);
      pages.push(page.items.map(nameOf));
      token = page.nextPageToken;
    } while (token !== undefined);
    return pages;
  }

  describe('registered models', () => {
    beforeEach(() => {
      const models: [string, Record<string, string>][] = [
        ['fraud-detector', { team: 'risk', tier: '1' }],
        ['Fraud-Legacy', { team: 'risk' }],
        ['churn', { team: 'growth' }],
        ['price_50%_off', {}],
        ['a*b', {}],
      ];
      for (const [name, tags] of models) {
        fixture.clock.tick();
        registry.createRegisteredModel(name, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
      }
    });

    const names = (filter?: string, orderBy?: string[]) =>
      registry.searchRegisteredModels({ filter, orderBy }).items.map((model) => model.name);

    test('without a filter: every model, by name', () => {
      assert.deepEqual(names(), ['Fraud-Legacy', 'a*b', 'churn', 'fraud-detector', 'price_50%_off']);
    });

    test('name =, !=, LIKE (case-sensitive), ILIKE and IN', () => {
      assert.deepEqual(names("name = 'churn'"), ['churn']);
      assert.deepEqual(names("name != 'churn'").length, 4);
      assert.deepEqual(names("name LIKE 'fraud%'"), ['fraud-detector']);
      assert.deepEqual(names("name ILIKE 'fraud%'"), ['Fraud-Legacy', 'fraud-detector']);
      assert.deepEqual(names("name like '%-%'"), ['Fraud-Legacy', 'fraud-detector']);
      assert.deepEqual(names("name LIKE 'chur_'"), ['churn']);
      // GLOB's own wildcards are literal in a LIKE pattern.
      assert.deepEqual(names("name LIKE 'a*%'"), ['a*b']);
      assert.deepEqual(names("name LIKE '*'"), []);
      assert.deepEqual(names("attribute.name = 'churn'"), ['churn']);
      assert.deepEqual(names("name IN ('churn', 'a*b')"), ['a*b', 'churn']);
    });

    test('tags, alone and with AND', () => {
      assert.deepEqual(names("tags.team = 'risk'"), ['Fraud-Legacy', 'fraud-detector']);
      assert.deepEqual(names("tags.team = 'risk' AND tags.tier = '1'"), ['fraud-detector']);
      assert.deepEqual(names("tags.`team` != 'risk'"), ['churn']);
      assert.deepEqual(names('tags."team" LIKE \'gr%\''), ['churn']);
      assert.deepEqual(names("tags.team ILIKE 'RISK' and name LIKE 'F%'"), ['Fraud-Legacy']);
      assert.deepEqual(names("tags.missing = 'x'"), []);
    });

    test('order_by name, creation and update time, ASC and DESC, then name', () => {
      assert.deepEqual(names(undefined, ['name DESC']), ['price_50%_off', 'fraud-detector', 'churn', 'a*b', 'Fraud-Legacy']);
      assert.deepEqual(names(undefined, ['creation_timestamp DESC']), [
        'a*b',
        'price_50%_off',
        'churn',
        'Fraud-Legacy',
        'fraud-detector',
      ]);
      fixture.clock.tick();
      registry.updateRegisteredModel('churn', 'touched');
      assert.equal(names(undefined, ['last_updated_timestamp DESC'])[0], 'churn');
      assert.equal(names(undefined, ['timestamp ASC']).at(-1), 'churn');
      assert.match(errorOf(() => names(undefined, ['size'])).message, /not by 'size'/);
      assert.match(errorOf(() => names(undefined, ['name', 'name DESC'])).message, /duplicate fields/);
      assert.equal(errorOf(() => names(undefined, ['name SIDEWAYS'])).code, 'INVALID_PARAMETER_VALUE');
    });

    test('pages of max_results follow each other to the end, with no token on the last', () => {
      const pages = allPages(
        (pageToken) => registry.searchRegisteredModels({ maxResults: 2, pageToken }),
        (model) => model.name,
      );
      assert.deepEqual(pages, [['Fraud-Legacy', 'a*b'], ['churn', 'fraud-detector'], ['price_50%_off']]);
      const exact = registry.searchRegisteredModels({ maxResults: 5 });
      assert.equal(exact.items.length, 5);
      assert.equal(exact.nextPageToken, undefined);
    });

    test('page tokens are MLflow-shaped and checked', () => {
      const token = registry.searchRegisteredModels({ maxResults: 2 }).nextPageToken!;
      assert.equal(Buffer.from(token, 'base64').toString(), '{"offset": 2}');
      for (const bad of ['not base64!', Buffer.from('nope').toString('base64'), Buffer.from('{"offset": -1}').toString('base64')]) {
        assert.equal(errorOf(() => registry.searchRegisteredModels({ pageToken: bad })).code, 'INVALID_PARAMETER_VALUE', bad);
      }
    });

    test('max_results defaults to 100 and is at most 1000', () => {
      for (let i = 0; i < 100; i++) registry.createRegisteredModel(`bulk-${String(i).padStart(3, '0')}`);
      const first = registry.searchRegisteredModels();
      assert.equal(first.items.length, 100);
      assert.notEqual(first.nextPageToken, undefined);
      assert.equal(registry.searchRegisteredModels({ maxResults: 1000 }).items.length, 105);
      assert.match(errorOf(() => registry.searchRegisteredModels({ maxResults: 1001 })).message, /^Invalid value 1001 for parameter 'max_results' supplied: /);
      assert.equal(errorOf(() => registry.searchRegisteredModels({ maxResults: 0 })).code, 'INVALID_PARAMETER_VALUE');
    });

    test('a malformed filter is a 400 that shows where it broke', () => {
      // The filter language itself is tested with src/core/search; here, that registry searches use it.
      const cases: [string, RegExp][] = [
        ["size = '3'", /column 1: unknown attribute 'size'/],
        ["name > 'a'", /column 6: .*operator >/],
        ['name = churn', /column 8/],
        ["name = 'churn", /column 8/],
        ["name = 'a' AND", /column 15/],
      ];
      for (const [filter, message] of cases) {
        const error = errorOf(() => registry.searchRegisteredModels({ filter }));
        assert.equal(error.code, 'INVALID_PARAMETER_VALUE', filter);
        assert.equal(error.status, 400, filter);
        assert.match(error.message, message, filter);
      }
    });

    test('filter text never reaches SQL: quotes and SQL in values are just values', () => {
      registry.createRegisteredModel("it's; DROP TABLE registered_models; --");
      assert.deepEqual(names("name = 'it''s; DROP TABLE registered_models; --'"), ["it's; DROP TABLE registered_models; --"]);
      assert.deepEqual(names("name = \"it's; DROP TABLE registered_models; --\""), [
        "it's; DROP TABLE registered_models; --",
      ]);
      assert.equal(names().length, 6);
    });

    test('prompts (mlflow.prompt.is_prompt) are left out unless the filter asks for them', () => {
      registry.createRegisteredModel('my-prompt', { tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
      assert.equal(names().includes('my-prompt'), false);
      assert.deepEqual(names("tags.`mlflow.prompt.is_prompt` = 'true'"), ['my-prompt']);
      assert.deepEqual(names("tags.mlflow.prompt.is_prompt != 'false'"), ['my-prompt']);
      assert.equal(names("tags.`mlflow.prompt.is_prompt` = 'false'").length, 5);
    });
  });

  describe('model versions', () => {
    beforeEach(() => {
      insertRun(fixture.db, 'aaaa', 's3://runs/aaaa');
      insertRun(fixture.db, 'bbbb', 's3://runs/bbbb');
      registry.createRegisteredModel('alpha');
      registry.createRegisteredModel('beta');
      const versions: [string, string][] = [
        ['alpha', 'runs:/aaaa/model'],
        ['alpha', 'runs:/bbbb/model'],
        ['beta', 'runs:/aaaa/other'],
        ['alpha', 's3://bucket/manual'],
      ];
      for (const [name, source] of versions) {
        fixture.clock.tick();
        registry.createModelVersion({ name, source, tags: [{ key: 'origin', value: source.slice(0, 4) }] });
      }
    });

    const found = (filter?: string, orderBy?: string[]) =>
      registry.searchModelVersions({ filter, orderBy }).items.map((v) => `${v.name}/${v.version}`);

    test('by default: most recently updated first', () => {
      assert.deepEqual(found(), ['alpha/3', 'beta/1', 'alpha/2', 'alpha/1']);
      fixture.clock.tick();
      registry.updateModelVersion('alpha', 1, 'touched');
      assert.equal(found()[0], 'alpha/1');
    });

    test("name, run_id (also IN), source_path, version_number and tags", () => {
      assert.deepEqual(found("name = 'beta'"), ['beta/1']);
      assert.deepEqual(found("run_id = 'aaaa'", ['name', 'version_number']), ['alpha/1', 'beta/1']);
      assert.deepEqual(found("run_id IN ('bbbb', 'zzzz')"), ['alpha/2']);
      assert.deepEqual(found("source_path LIKE 's3://%'"), ['alpha/3']);
      assert.deepEqual(found("name = 'alpha' AND version_number >= 2", ['version_number ASC']), ['alpha/2', 'alpha/3']);
      assert.deepEqual(found('version_number = 1', ['name']), ['alpha/1', 'beta/1']);
      assert.deepEqual(found("name = 'beta' OR run_id = 'bbbb'", ['name']), ['alpha/2', 'beta/1']);
      assert.deepEqual(found("tags.origin = 's3:/'"), ['alpha/3']);
      assert.deepEqual(found("name = 'alpha' AND tags.origin != 's3:/'", ['version_number DESC']), ['alpha/2', 'alpha/1']);
    });

    test('bad filters and order keys are 400s', () => {
      for (const filter of ["version_number LIKE '1'", 'run_id = 5', "stage = 'None'"]) {
        assert.equal(errorOf(() => found(filter)).code, 'INVALID_PARAMETER_VALUE', filter);
      }
      assert.match(errorOf(() => found(undefined, ['current_stage'])).message, /not by 'current_stage'/);
    });

    test('pages through every version once', () => {
      const pages = allPages(
        (pageToken) => registry.searchModelVersions({ maxResults: 3, orderBy: ['name', 'version_number'], pageToken }),
        (v) => `${v.name}/${v.version}`,
      );
      assert.deepEqual(pages, [['alpha/1', 'alpha/2', 'alpha/3'], ['beta/1']]);
      assert.equal(errorOf(() => registry.searchModelVersions({ maxResults: 200_001 })).code, 'INVALID_PARAMETER_VALUE');
    });

    test('results carry tags and aliases', () => {
      registry.setRegisteredModelAlias('alpha', 'champion', 2);
      const [version] = registry.searchModelVersions({ filter: "name = 'alpha' AND version_number = 2" }).items;
      assert.deepEqual(version.aliases, ['champion']);
      assert.deepEqual(version.tags, [{ key: 'origin', value: 'runs' }]);
      assert.equal(version.storageLocation, 's3://runs/bbbb/model');
    });
  });
});
