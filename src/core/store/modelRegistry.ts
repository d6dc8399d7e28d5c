import { alreadyExists, invalidParameter } from '../errors';
import { compileModelVersionSearch, type ModelVersionSearchRequest } from '../search/modelVersionSearch';
import type { Page } from '../search/paging';
import { compileRegisteredModelSearch, type RegisteredModelSearchRequest } from '../search/registeredModelSearch';
import { missingValueMessage } from '../validation';
import type { Database } from './database';
import { executeSearch } from './executeSearch';
import { resolveSource } from './registry/modelSource';
import { modelVersionsTagKey, withModelVersion } from './registry/modelVersionsTag';
import type { CreateModelVersionInput, ModelVersion, RegisteredModel, RegistryTag } from './registry/registryEntities';
import {
  assembleModelVersions,
  assembleRegisteredModels,
  modelExists,
  requireModelRow,
  requireVersionRow,
  searchedModelVersions,
  searchedRegisteredModels,
} from './registry/registryReads';
import { parseVersion, validateAliasName, validateModelName, validateTag, validateTagKey } from './registry/registryValidation';
import { sourceLookups } from './registry/sourceLookups';
import { activeStages, allStages, canonicalStage, deletedStage } from './registry/stages';
import { setLoggedModelTags } from './tracking/loggedModels';

export interface ModelRegistryOptions {
  /** Milliseconds since the epoch; tests pass a clock of their own. */
  readonly now?: () => number;
}

/**
 * MLflow's Model Registry over the Database: registered models, their versions, stages, aliases
 * and tags, with MLflow's rules and error messages. It reads the tracking tables (runs,
 * logged_models) to resolve sources; its one write there, a logged model's
 * `mlflow.modelVersions` tag, goes through the tracking store's own code.
 */
export class ModelRegistry {
  private readonly now: () => number;

  constructor(
    readonly db: Database,
    options: ModelRegistryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  // Registered models

  createRegisteredModel(
    name: string,
    options: { readonly tags?: readonly RegistryTag[]; readonly description?: string } = {},
  ): RegisteredModel {
    validateModelName(name);
    const tags = lastValuePerKey(options.tags ?? []);
    for (const tag of tags) validateTag(tag.key, tag.value);
    this.db.write((tx) => {
      if (modelExists(tx, name)) throw alreadyExists(`Registered Model (name=${name}) already exists.`);
      const time = this.now();
      tx.run(
        'INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)',
        [name, time, time, options.description ?? ''],
      );
      tx.runMany(
        'INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)',
        tags.map((tag) => [name, tag.key, tag.value]),
      );
    });
    return this.getRegisteredModel(name);
  }

  getRegisteredModel(name: string): RegisteredModel {
    validateModelName(name);
    return assembleRegisteredModels(this.db, [requireModelRow(this.db, name)])[0];
  }

  /** MLflow's search: filter on name and tags, order_by, max_results (100, at most 1,000), page tokens. */
  searchRegisteredModels(request: RegisteredModelSearchRequest = {}): Page<RegisteredModel> {
    return executeSearch(this.db, compileRegisteredModelSearch(request), searchedRegisteredModels);
  }

  updateRegisteredModel(name: string, description: string): RegisteredModel {
    validateModelName(name);
    this.db.write((tx) => {
      requireModelRow(tx, name);
      tx.run('UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?', [
        description,
        this.now(),
        name,
      ]);
    });
    return this.getRegisteredModel(name);
  }

  /** Moves the model's versions, tags, version tags and aliases to the new name. */
  renameRegisteredModel(name: string, newName: string): RegisteredModel {
    validateModelName(name);
    validateModelName(newName, 'new_name');
    this.db.write((tx) => {
      requireModelRow(tx, name);
      if (newName !== name && modelExists(tx, newName)) {
        throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
      }
      const time = this.now();
      tx.run('UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?', [newName, time, name]);
      tx.run('UPDATE model_versions SET name = ?, last_updated_time = ? WHERE name = ?', [newName, time, name]);
      for (const table of ['registered_model_tags', 'model_version_tags', 'registered_model_aliases']) {
        tx.run(`UPDATE ${table} SET name = ? WHERE name = ?`, [newName, name]);
      }
    });
    return this.getRegisteredModel(newName);
  }

  /** Deletes the model with all its versions, tags and aliases. */
  deleteRegisteredModel(name: string): void {
    validateModelName(name);
    this.db.write((tx) => {
      requireModelRow(tx, name);
      for (const table of [
        'registered_model_aliases',
        'model_version_tags',
        'model_versions',
        'registered_model_tags',
        'registered_models',
      ]) {
        tx.run(`DELETE FROM ${table} WHERE name = ?`, [name]);
      }
    });
  }

  setRegisteredModelTag(name: string, key: string, value: string): void {
    validateModelName(name);
    validateTag(key, value);
    this.db.write((tx) => {
      requireModelRow(tx, name);
      tx.run('INSERT OR REPLACE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)', [name, key, value]);
    });
  }

  /** Deleting a tag the model does not have is not an error, as in MLflow. */
  deleteRegisteredModelTag(name: string, key: string): void {
    validateModelName(name);
    validateTagKey(key);
    this.db.write((tx) => {
      requireModelRow(tx, name);
      tx.run('DELETE FROM registered_model_tags WHERE name = ? AND key = ?', [name, key]);
    });
  }

  // Aliases

  /** Points the alias at the version, moving it if it pointed elsewhere. */
  setRegisteredModelAlias(name: string, alias: string, version: string | number): void {
    validateModelName(name);
    validateAliasName(alias);
    const number = parseVersion(version);
    this.db.write((tx) => {
      requireVersionRow(tx, name, number);
      tx.run('INSERT OR REPLACE INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?)', [
        name,
        alias,
        number,
      ]);
    });
  }

  deleteRegisteredModelAlias(name: string, alias: string): void {
    validateModelName(name);
    validateAliasName(alias);
    this.db.write((tx) => {
      requireModelRow(tx, name);
      tx.run('DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?', [name, alias]);
    });
  }

  /** An unknown alias is INVALID_PARAMETER_VALUE (400), as the real server answers. */
  getModelVersionByAlias(name: string, alias: string): ModelVersion {
    validateModelName(name);
    validateAliasName(alias);
    const row = this.db.get<{ version: number }>(
      'SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?',
      [name, alias],
    );
    if (!row) throw invalidParameter(`Registered model alias ${alias} not found.`);
    return this.getModelVersion(name, row.version);
  }

  // Model versions

  /** The latest version in each requested stage (every stage when none is given), with aliases. */
  getLatestVersions(name: string, stages: readonly string[] = []): ModelVersion[] {
    const model = this.getRegisteredModel(name);
    const wanted = new Set(stages.length > 0 ? stages.map(canonicalStage) : allStages);
    const latest = model.latestVersions.filter((version) => wanted.has(version.currentStage));
    return assembleModelVersions(
      this.db,
      latest.map((version) => requireVersionRow(this.db, name, version.version)),
    );
  }

  /**
   * Registers the next version (one more than any version the model ever had), with the source
   * resolved to `storage_location`. With a `modelId`, the logged model's `mlflow.modelVersions`
   * tag gains this version in the same transaction, as MLflow's server does (an unknown model_id
   * is a 404 and registers nothing).
   */
  createModelVersion(input: CreateModelVersionInput): ModelVersion {
    validateModelName(input.name);
    if (input.source === '') throw invalidParameter(missingValueMessage('source'));
    const tags = lastValuePerKey(input.tags ?? []);
    for (const tag of tags) validateTag(tag.key, tag.value);
    const version = this.db.write((tx) => {
      // The source is checked first, as MLflow's handler does, so a bad source is a 400 whatever the name.
      const resolved = resolveSource(
        input.source,
        { runId: input.runId ?? '', modelId: input.modelId ?? '' },
        sourceLookups(tx),
      );
      requireModelRow(tx, input.name);
      const next =
        (tx.get<{ top: number | null }>('SELECT MAX(version) AS top FROM model_versions WHERE name = ?', [input.name])
          ?.top ?? 0) + 1;
      const time = this.now();
      tx.run(
        `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, current_stage,
           source, run_id, run_link, status, storage_location, model_id)
         VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, 'READY', ?, ?)`,
        [
          input.name,
          next,
          time,
          time,
          input.description ?? '',
          input.source,
          resolved.runId,
          input.runLink ?? '',
          resolved.storageLocation,
          resolved.modelId,
        ],
      );
      tx.runMany(
        'INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)',
        tags.map((tag) => [input.name, next, tag.key, tag.value]),
      );
      tx.run('UPDATE registered_models SET last_updated_time = ? WHERE name = ?', [time, input.name]);
      if (input.modelId) {
        // As MLflow's server: the logged model lists its versions (written by the tracking store's own code).
        const current = tx.get<{ value: string }>('SELECT value FROM logged_model_tags WHERE model_id = ? AND key = ?', [
          input.modelId,
          modelVersionsTagKey,
        ]);
        setLoggedModelTags(tx, input.modelId, [
          { key: modelVersionsTagKey, value: withModelVersion(current?.value, input.name, next) },
        ]);
      }
      return next;
    });
    return this.getModelVersion(input.name, version);
  }

  getModelVersion(name: string, version: string | number): ModelVersion {
    validateModelName(name);
    const number = parseVersion(version);
    return assembleModelVersions(this.db, [requireVersionRow(this.db, name, number)])[0];
  }

  /**
   * MLflow's search: filter on name, run_id (also IN), source_path, version_number and tags;
   * most recently updated first unless order_by says otherwise; page tokens.
   */
  searchModelVersions(request: ModelVersionSearchRequest = {}): Page<ModelVersion> {
    return executeSearch(this.db, compileModelVersionSearch(request), searchedModelVersions);
  }

  updateModelVersion(name: string, version: string | number, description: string): ModelVersion {
    validateModelName(name);
    const number = parseVersion(version);
    this.db.write((tx) => {
      requireVersionRow(tx, name, number);
      tx.run('UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?', [
        description,
        this.now(),
        name,
        number,
      ]);
    });
    return this.getModelVersion(name, number);
  }

  /**
   * Moves the version to the stage (any letter case). With `archiveExistingVersions`, the other
   * versions in that stage move to Archived; only Staging and Production allow it, as in MLflow.
   */
  transitionModelVersionStage(
    name: string,
    version: string | number,
    stage: string,
    archiveExistingVersions: boolean,
  ): ModelVersion {
    validateModelName(name);
    const number = parseVersion(version);
    const target = canonicalStage(stage);
    if (archiveExistingVersions && !activeStages.includes(target)) {
      throw invalidParameter(
        `Model version transition cannot archive existing model versions because '${stage}' is not an ` +
          `Active stage. Valid stages are ${activeStages.join(', ')}`,
      );
    }
    this.db.write((tx) => {
      requireVersionRow(tx, name, number);
      const time = this.now();
      if (archiveExistingVersions) {
        tx.run(
          `UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?
            WHERE name = ? AND version != ? AND current_stage = ?`,
          [time, name, number, target],
        );
      }
      tx.run('UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?', [
        target,
        time,
        name,
        number,
      ]);
      tx.run('UPDATE registered_models SET last_updated_time = ? WHERE name = ?', [time, name]);
    });
    return this.getModelVersion(name, number);
  }

  /**
   * Deletes the version and the aliases that point at it. As MLflow, the row stays behind as a
   * redacted tombstone so that its number is never registered again.
   */
  deleteModelVersion(name: string, version: string | number): void {
    validateModelName(name);
    const number = parseVersion(version);
    this.db.write((tx) => {
      requireVersionRow(tx, name, number);
      const time = this.now();
      tx.run('DELETE FROM registered_model_aliases WHERE name = ? AND version = ?', [name, number]);
      tx.run('DELETE FROM model_version_tags WHERE name = ? AND version = ?', [name, number]);
      tx.run(
        `UPDATE model_versions SET current_stage = ?, last_updated_time = ?, description = '', user_id = '',
           source = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK',
           status_message = '', storage_location = '', model_id = ''
         WHERE name = ? AND version = ?`,
        [deletedStage, time, name, number],
      );
      tx.run('UPDATE registered_models SET last_updated_time = ? WHERE name = ?', [time, name]);
    });
  }

  /** Where the client downloads the version's artifacts from: the resolved location, else the source. */
  getModelVersionDownloadUri(name: string, version: string | number): string {
    validateModelName(name);
    const row = requireVersionRow(this.db, name, parseVersion(version));
    return row.storage_location || row.source;
  }

  setModelVersionTag(name: string, version: string | number, key: string, value: string): void {
    validateModelName(name);
    const number = parseVersion(version);
    validateTag(key, value);
    this.db.write((tx) => {
      requireVersionRow(tx, name, number);
      tx.run('INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)', [
        name,
        number,
        key,
        value,
      ]);
    });
  }

  deleteModelVersionTag(name: string, version: string | number, key: string): void {
    validateModelName(name);
    const number = parseVersion(version);
    validateTagKey(key);
    this.db.write((tx) => {
      requireVersionRow(tx, name, number);
      tx.run('DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?', [name, number, key]);
    });
  }
}

/** Tags given twice keep the last value, as MLflow's dict of tags does. */
function lastValuePerKey(tags: readonly RegistryTag[]): RegistryTag[] {
  return [...new Map(tags.map((tag) => [tag.key, tag] as const)).values()];
}
