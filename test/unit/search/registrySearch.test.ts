import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ErrorCode, MlflowError } from '../../../src/core/errors';
import { FilterError } from '../../../src/core/search/filterError';
import { compileModelVersionSearch, type ModelVersionSearchRequest } from '../../../src/core/search/modelVersionSearch';
import { compileRegisteredModelSearch, type RegisteredModelSearchRequest } from '../../../src/core/search/registeredModelSearch';
import type { Database } from '../../../src/core/store/database';
import { catchError, execute, openDatabase } from './searchFixtures';

let db: Database;

before(async () => {
  db = await openDatabase();
  db.write((tx) => {
    tx.runMany('INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES (?, ?, ?)', [
      ['alpha', 1, 5],
      ['Beta', 2, 3],
      ['gamma', 3, 3],
      ['prompt-1', 4, 9],
    ]);
    tx.runMany('INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)', [
      ['alpha', 'team', 'vision'],
      ['gamma', 'team', 'NLP'],
      ['prompt-1', 'mlflow.prompt.is_prompt', 'true'],
    ]);
    tx.runMany('INSERT INTO model_versions (name, version, creation_time, last_updated_time, run_id, source) VALUES (?, ?, ?, ?, ?, ?)', [
      ['alpha', 1, 10, 10, 'ra', 'models:/m-1'],
      ['alpha', 2, 20, 25, 'rb', 's3://bucket/alpha'],
      ['Beta', 1, 15, 25, 'ra', 'models:/m-2'],
      ['prompt-1', 1, 30, 30, '', 'prompt'],
    ]);
    tx.runMany('INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)', [
      ['alpha', 2, 'stage', 'prod'],
      ['prompt-1', 1, 'mlflow.prompt.is_prompt', 'true'],
    ]);
  });
});

function models(request: RegisteredModelSearchRequest): string[] {
  return execute(db, compileRegisteredModelSearch(request)).items.map((row) => String(row.name));
}

function versions(request: ModelVersionSearchRequest): string[] {
  return execute(db, compileModelVersionSearch(request)).items.map((row) => `${String(row.name)}/${String(row.version)}`);
}

describe('registered model search', () => {
  const filters: [string, string[]][] = [
    ['', ['Beta', 'alpha', 'gamma']],
    ["name = 'alpha'", ['alpha']],
    ["name LIKE 'b%'", []],
    ["name ILIKE 'b%'", ['Beta']],
    ["name != 'alpha'", ['Beta', 'gamma']],
    ["tags.team = 'vision'", ['alpha']],
    ["tags.team ILIKE 'nlp' OR name = 'Beta'", ['Beta', 'gamma']],
    // Prompts appear only when the filter asks about the prompt tag.
    ["tags.`mlflow.prompt.is_prompt` = 'true'", ['prompt-1']],
    ["tags.`mlflow.prompt.is_prompt` != 'true'", ['Beta', 'alpha', 'gamma']],
    ["tags.`mlflow.prompt.is_prompt` = 'false'", ['Beta', 'alpha', 'gamma']],
    ["name LIKE '%' AND tags.mlflow.prompt.is_prompt = 'true'", ['prompt-1']],
  ];
  for (const [filter, expected] of filters) {
    test(filter || '(no filter)', () => assert.deepEqual(models({ filter }), expected));
  }

  test('order: by name by default; timestamp is last_updated_timestamp; name breaks ties', () => {
    assert.deepEqual(models({ orderBy: ['timestamp DESC'] }), ['alpha', 'Beta', 'gamma']);
    assert.deepEqual(models({ orderBy: ['last_updated_timestamp ASC'] }), ['Beta', 'gamma', 'alpha']);
    assert.deepEqual(models({ orderBy: ['creation_timestamp DESC'] }), ['gamma', 'Beta', 'alpha']);
    assert.deepEqual(models({ orderBy: ['name DESC'] }), ['gamma', 'alpha', 'Beta']);
    const duplicate = catchError(() => compileRegisteredModelSearch({ orderBy: ['timestamp', 'last_updated_timestamp DESC'] }));
    assert.match(duplicate.message, /duplicate fields/);
    const unknown = catchError(() => compileRegisteredModelSearch({ orderBy: ['version'] }));
    assert.ok(unknown instanceof FilterError);
    assert.match(unknown.reason, /^registered models can be ordered by name, timestamp, last_updated_timestamp, creation_timestamp/);
  });

  test('errors and limits', () => {
    const error = catchError(() => compileRegisteredModelSearch({ filter: "run_id = 'x'" }));
    assert.ok(error instanceof FilterError);
    assert.match(error.reason, /^unknown attribute 'run_id' for registered models/);
    assert.equal(compileRegisteredModelSearch({}).maxResults, 100);
    assert.ok(MlflowError.is(catchError(() => compileRegisteredModelSearch({ maxResults: 1001 })), ErrorCode.InvalidParameterValue));
  });

  test('paging', () => {
    const first = execute(db, compileRegisteredModelSearch({ maxResults: 2 }));
    assert.deepEqual(
      first.items.map((row) => row.name),
      ['Beta', 'alpha'],
    );
    const second = execute(db, compileRegisteredModelSearch({ maxResults: 2, pageToken: first.nextPageToken }));
    assert.deepEqual(
      second.items.map((row) => row.name),
      ['gamma'],
    );
    assert.equal(second.nextPageToken, undefined);
  });
});

describe('model version search', () => {
  const filters: [string, string[]][] = [
    ["name = 'alpha'", ['alpha/2', 'alpha/1']],
    ['version_number > 1', ['alpha/2']],
    ['version = 1', ['Beta/1', 'alpha/1']],
    ["run_id IN ('ra')", ['Beta/1', 'alpha/1']],
    ["run_id = 'rb'", ['alpha/2']],
    ["source_path LIKE 'models:/%'", ['Beta/1', 'alpha/1']],
    ["source ILIKE 'S3://%'", ['alpha/2']],
    ["tags.stage = 'prod'", ['alpha/2']],
    ['creation_timestamp >= 15', ['Beta/1', 'alpha/2']],
    ["tags.`mlflow.prompt.is_prompt` = 'true'", ['prompt-1/1']],
  ];
  for (const [filter, expected] of filters) {
    test(filter, () => assert.deepEqual(versions({ filter }), expected));
  }

  test('order: last_updated_timestamp DESC, name ASC, version DESC by default', () => {
    assert.deepEqual(versions({}), ['Beta/1', 'alpha/2', 'alpha/1']);
    assert.deepEqual(versions({ orderBy: ['version_number DESC'] }), ['alpha/2', 'Beta/1', 'alpha/1']);
    assert.deepEqual(versions({ orderBy: ['name DESC', 'version_number ASC'] }), ['alpha/1', 'alpha/2', 'Beta/1']);
    assert.deepEqual(versions({ orderBy: ['creation_timestamp'] }), ['alpha/1', 'Beta/1', 'alpha/2']);
    assert.match(catchError(() => compileModelVersionSearch({ orderBy: ['version', 'version_number'] })).message, /duplicate fields/);
  });

  test('fields a JSON body carries as null count as absent', () => {
    const nulls = { filter: null, orderBy: null, maxResults: null, pageToken: null } as unknown as ModelVersionSearchRequest;
    assert.deepEqual(versions(nulls), ['Beta/1', 'alpha/2', 'alpha/1']);
    assert.deepEqual(models(nulls as unknown as RegisteredModelSearchRequest), ['Beta', 'alpha', 'gamma']);
  });

  test('type rules', () => {
    const error = catchError(() => compileModelVersionSearch({ filter: "version_number = '1'" }));
    assert.ok(error instanceof FilterError);
    assert.match(error.reason, /^expected a number for attribute 'version_number'/);
    assert.equal(compileModelVersionSearch({}).maxResults, 1000);
    assert.equal(compileModelVersionSearch({ maxResults: 200000 }).maxResults, 200000);
  });
});
