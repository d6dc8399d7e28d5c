import { notFound } from '../../errors';
import type { Param, Reader } from '../databaseApi';
import { firstColumn, type SearchRows } from '../executeSearch';
import type { ModelVersion, RegisteredModel, RegisteredModelAlias, RegistryTag, Stage } from './registryEntities';
import { deletedStage } from './stages';

/**
 * Rows of the registry tables into entities. Pages are assembled with one query per table per
 * chunk of names, never one per row, so a search of thousands of versions stays a handful of queries.
 */

export interface ModelVersionRow {
  readonly name: string;
  readonly version: number;
  readonly creation_time: number;
  readonly last_updated_time: number;
  readonly description: string;
  readonly user_id: string;
  readonly current_stage: string;
  readonly source: string;
  readonly run_id: string;
  readonly run_link: string;
  readonly status: string;
  readonly status_message: string;
  readonly storage_location: string;
  readonly model_id: string;
}

export interface RegisteredModelRow {
  readonly name: string;
  readonly creation_time: number;
  readonly last_updated_time: number;
  readonly description: string;
}

/** The columns of a ModelVersionRow, from `model_versions mv`. */
export const modelVersionColumns =
  'mv.name, mv.version, mv.creation_time, mv.last_updated_time, mv.description, mv.user_id, mv.current_stage, ' +
  'mv.source, mv.run_id, mv.run_link, mv.status, mv.status_message, mv.storage_location, mv.model_id';

/** The columns of a RegisteredModelRow, from `registered_models rm`. */
export const registeredModelColumns = 'rm.name, rm.creation_time, rm.last_updated_time, rm.description';

/** Per model and stage: the greatest version, and the first (which orders the stages). */
const latestPerStage = `SELECT name, MAX(version) AS version, MIN(version) AS first FROM model_versions
   WHERE name IN (?) AND current_stage != ? GROUP BY name, current_stage`;

/** sql.js binds at most 32,766 parameters; chunks stay far below that and keep IN lists short. */
const chunkSize = 500;

function toModelVersion(
  row: ModelVersionRow,
  tags: readonly RegistryTag[],
  aliases: readonly string[],
): ModelVersion {
  return {
    name: row.name,
    version: row.version,
    creationTimestamp: row.creation_time,
    lastUpdatedTimestamp: row.last_updated_time,
    description: row.description,
    userId: row.user_id,
    currentStage: row.current_stage as Stage,
    source: row.source,
    runId: row.run_id,
    runLink: row.run_link,
    status: 'READY',
    statusMessage: row.status_message,
    storageLocation: row.storage_location,
    modelId: row.model_id,
    tags,
    aliases,
  };
}

/** Versions with their tags and aliases, in the order of `rows`. */
export function assembleModelVersions(reader: Reader, rows: readonly ModelVersionRow[]): ModelVersion[] {
  const names = distinct(rows.map((row) => row.name));
  const tags = groupBy(
    selectByNames<{ name: string; version: number; key: string; value: string }>(
      reader,
      'SELECT name, version, key, value FROM model_version_tags WHERE name IN (?) ORDER BY key',
      names,
    ),
    (tag) => versionKey(tag.name, tag.version),
  );
  const aliases = groupBy(
    selectByNames<{ name: string; version: number; alias: string }>(
      reader,
      'SELECT name, version, alias FROM registered_model_aliases WHERE name IN (?) ORDER BY alias',
      names,
    ),
    (alias) => versionKey(alias.name, alias.version),
  );
  return rows.map((row) => {
    const key = versionKey(row.name, row.version);
    return toModelVersion(
      row,
      (tags.get(key) ?? []).map(({ key: tagKey, value }) => ({ key: tagKey, value })),
      (aliases.get(key) ?? []).map(({ alias }) => alias),
    );
  });
}

/**
 * Registered models with tags, aliases and latest versions. As MLflow's, `latest_versions` holds
 * the greatest version of each stage, stages in the order their first version was registered,
 * and those versions carry their tags but not their aliases (the model lists the aliases).
 */
export function assembleRegisteredModels(reader: Reader, rows: readonly RegisteredModelRow[]): RegisteredModel[] {
  const names = rows.map((row) => row.name);
  const tags = groupBy(
    selectByNames<{ name: string; key: string; value: string }>(
      reader,
      'SELECT name, key, value FROM registered_model_tags WHERE name IN (?) ORDER BY key',
      names,
    ),
    (tag) => tag.name,
  );
  const aliases = groupBy(
    selectByNames<{ name: string; alias: string; version: number }>(
      reader,
      'SELECT name, alias, version FROM registered_model_aliases WHERE name IN (?) ORDER BY alias',
      names,
    ),
    (alias) => alias.name,
  );
  const latestRows = selectByNames<ModelVersionRow>(
    reader,
    `SELECT ${modelVersionColumns} FROM model_versions mv
       JOIN (${latestPerStage}) l ON mv.name = l.name AND mv.version = l.version
      ORDER BY l.first`,
    names,
    [deletedStage],
  );
  const latestTags = groupBy(
    selectByNames<{ name: string; version: number; key: string; value: string }>(
      reader,
      `SELECT t.name, t.version, t.key, t.value FROM model_version_tags t
         JOIN (${latestPerStage}) l ON t.name = l.name AND t.version = l.version
        ORDER BY t.key`,
      names,
      [deletedStage],
    ),
    (tag) => versionKey(tag.name, tag.version),
  );
  const latest = groupBy(
    latestRows.map((row) =>
      toModelVersion(
        row,
        (latestTags.get(versionKey(row.name, row.version)) ?? []).map(({ key, value }) => ({ key, value })),
        [],
      ),
    ),
    (version) => version.name,
  );
  return rows.map((row) => ({
    name: row.name,
    creationTimestamp: row.creation_time,
    lastUpdatedTimestamp: row.last_updated_time,
    description: row.description,
    latestVersions: latest.get(row.name) ?? [],
    tags: (tags.get(row.name) ?? []).map(({ key, value }) => ({ key, value })),
    aliases: (aliases.get(row.name) ?? []).map(
      ({ alias, version }): RegisteredModelAlias => ({ alias, version }),
    ),
  }));
}

export function modelExists(reader: Reader, name: string): boolean {
  return reader.get('SELECT 1 FROM registered_models WHERE name = ?', [name]) !== undefined;
}

/** How a registered model search reads its page: keys are names. */
export const searchedRegisteredModels: SearchRows<string, RegisteredModel> = {
  key: firstColumn,
  read: (reader, names) => assembleRegisteredModels(reader, registeredModelRows(reader, names)),
};

/** How a model version search reads its page: keys are (name, version). */
export const searchedModelVersions: SearchRows<{ readonly name: string; readonly version: number }, ModelVersion> = {
  key: (row) => ({ name: row[0] as string, version: row[1] as number }),
  read: (reader, keys) => assembleModelVersions(reader, modelVersionRows(reader, keys)),
};

/** The rows of these models, in the order of `names` (a search's page of keys). */
export function registeredModelRows(reader: Reader, names: readonly string[]): RegisteredModelRow[] {
  const rows = selectByNames<RegisteredModelRow>(
    reader,
    `SELECT ${registeredModelColumns} FROM registered_models rm WHERE rm.name IN (?)`,
    names,
  );
  const byName = new Map(rows.map((row) => [row.name, row]));
  return names.flatMap((name) => byName.get(name) ?? []);
}

/** The rows of these versions, in the order of `keys` (a search's page of keys). */
export function modelVersionRows(
  reader: Reader,
  keys: readonly { readonly name: string; readonly version: number }[],
): ModelVersionRow[] {
  const byKey = new Map<string, ModelVersionRow>();
  for (let start = 0; start < keys.length; start += chunkSize) {
    const chunk = keys.slice(start, start + chunkSize);
    const rows = reader.all<ModelVersionRow>(
      `SELECT ${modelVersionColumns} FROM model_versions mv
        WHERE (mv.name, mv.version) IN (VALUES ${chunk.map(() => '(?, ?)').join(', ')})`,
      chunk.flatMap(({ name, version }) => [name, version]),
    );
    for (const row of rows) byKey.set(versionKey(row.name, row.version), row);
  }
  return keys.flatMap(({ name, version }) => byKey.get(versionKey(name, version)) ?? []);
}

/** The model's row; RESOURCE_DOES_NOT_EXIST (404) with MLflow's message when there is none. */
export function requireModelRow(reader: Reader, name: string): RegisteredModelRow {
  const row = reader.get<RegisteredModelRow>(
    `SELECT ${registeredModelColumns} FROM registered_models rm WHERE rm.name = ?`,
    [name],
  );
  if (!row) throw notFound(`Registered Model with name=${name} not found`);
  return row;
}

/** A live (not deleted) version's row; RESOURCE_DOES_NOT_EXIST (404) with MLflow's message when there is none. */
export function requireVersionRow(reader: Reader, name: string, version: number): ModelVersionRow {
  const row = reader.get<ModelVersionRow>(
    `SELECT ${modelVersionColumns} FROM model_versions mv WHERE mv.name = ? AND mv.version = ? AND mv.current_stage != ?`,
    [name, version, deletedStage],
  );
  if (!row) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return row;
}

/**
 * Runs `sql`, whose `IN (?)` stands for the names, once per chunk of names; `extra` parameters
 * follow the names.
 */
function selectByNames<T>(reader: Reader, sql: string, names: readonly string[], extra: readonly Param[] = []): T[] {
  const rows: T[] = [];
  for (let start = 0; start < names.length; start += chunkSize) {
    const chunk = names.slice(start, start + chunkSize);
    const chunkSql = sql.replace('IN (?)', `IN (${chunk.map(() => '?').join(', ')})`);
    rows.push(...reader.all<T>(chunkSql, [...chunk, ...extra]));
  }
  return rows;
}

function versionKey(name: string, version: number): string {
  return `${version}\u0000${name}`;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
