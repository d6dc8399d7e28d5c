import { createHash } from 'node:crypto';
import { filterLiteral } from '../../search/filterLiteral';
import type { ModelRegistry } from '../modelRegistry';
import type { ModelVersion, RegisteredModel } from './registryEntities';

/**
 * What the Models view lists, one page each: the registry's own limit per page for models; a
 * workspace with more models or versions than this is not the sidebar's case.
 */
export const registryListingLimits = { models: 1000, versions: 1000 } as const;

/** Registered models by name. */
export function listRegisteredModels(registry: ModelRegistry, limit: number = registryListingLimits.models): RegisteredModel[] {
  return registry.searchRegisteredModels({ orderBy: ['name ASC'], maxResults: limit }).items;
}

/** A registered model's versions, newest first. */
export function listModelVersions(registry: ModelRegistry, name: string, limit: number = registryListingLimits.versions): ModelVersion[] {
  return registry.searchModelVersions({ filter: `name = ${filterLiteral(name)}`, orderBy: ['version_number DESC'], maxResults: limit }).items;
}

/** Every row of the registry's tables, in a fixed order: whatever the view shows is made of them. */
const registryRows = [
  'SELECT * FROM registered_models ORDER BY name',
  'SELECT * FROM registered_model_tags ORDER BY name, key',
  'SELECT * FROM registered_model_aliases ORDER BY name, alias',
  'SELECT * FROM model_versions ORDER BY name, version',
  'SELECT * FROM model_version_tags ORDER BY name, version, key',
];

/**
 * A fingerprint of everything the Models view shows (models, versions, their aliases, stages and
 * tags): a view compares it after each write to the store, and reads the registry again only when
 * it differs. One short answer from the tables' rows, without assembling the entities (a few
 * milliseconds for a thousand versions), since a guest window asks the owner once per burst of
 * writes, most of them a script's metrics.
 */
export function registryPrint(registry: ModelRegistry): string {
  const hash = createHash('sha256');
  for (const sql of registryRows) hash.update(JSON.stringify(registry.db.values(sql))).update('\n');
  return hash.digest('hex');
}
