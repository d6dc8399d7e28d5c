import type { OrderableAttribute } from './attributeOrder';
import { compileSearch } from './compileSearch';
import { FaultReporter } from './filterError';
import { columnField, type FilterCatalog, type FilterField } from './filterFields';
import { columnTerm } from './orderTerms';
import type { SearchQuery } from './paging';
import { filterNamesPromptTag, registryTagField, withoutPrompts } from './registryPrompts';
import { attributeOrder, orderByClauses, type SearchEntity } from './searchEntity';
import { fragment } from './sqlFragment';

/** `model-versions/search` as the REST API carries it (field names in camelCase). */
export interface ModelVersionSearchRequest {
  /** On name, version_number (or version), run_id (also IN), source_path (or source), the timestamps, and tags. */
  readonly filter?: string;
  /** Clauses on name, version_number, creation_timestamp, last_updated_timestamp;
   *  `last_updated_timestamp DESC, name ASC, version_number DESC` when absent. */
  readonly orderBy?: readonly string[];
  /** 1 to 200,000; 1,000 when absent (MLflow's limits). */
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

const fieldExample = 'name, run_id or tags.team';

const version = columnField("attribute 'version_number'", 'number', 'model_versions.version');
const source = columnField("attribute 'source_path'", 'string', 'model_versions.source');
const modelVersionAttributes: Readonly<Record<string, FilterField>> = {
  name: columnField("attribute 'name'", 'string', 'model_versions.name'),
  run_id: columnField("attribute 'run_id'", 'string', 'model_versions.run_id'),
  source_path: source,
  source,
  version_number: version,
  version,
  creation_timestamp: columnField("attribute 'creation_timestamp'", 'number', 'model_versions.creation_time'),
  last_updated_timestamp: columnField("attribute 'last_updated_timestamp'", 'number', 'model_versions.last_updated_time'),
};

const modelVersionFilterCatalog: FilterCatalog = {
  subject: 'model versions',
  attributes: modelVersionAttributes,
  attributeNames: ['name', 'version_number', 'run_id', 'source_path', 'creation_timestamp', 'last_updated_timestamp'],
  keyed: {
    tag: (key) => registryTagField('model_version_tags', 'k.name = model_versions.name AND k.version = model_versions.version', key),
  },
};

const versionOrder: OrderableAttribute = { id: 'version', column: 'model_versions.version' };
const orderableAttributes: Readonly<Record<string, OrderableAttribute>> = {
  name: { id: 'name', column: 'model_versions.name' },
  version_number: versionOrder,
  version: versionOrder,
  creation_timestamp: { id: 'creation_time', column: 'model_versions.creation_time' },
  last_updated_timestamp: { id: 'last_updated_time', column: 'model_versions.last_updated_time' },
};

const modelVersionSearchEntity: SearchEntity<ModelVersionSearchRequest> = {
  table: 'model_versions',
  keyColumns: 'model_versions.name, model_versions.version',
  limits: { defaultValue: 1000, max: 200000, maxCheckedBy: 'schema' },
  fieldExample,
  catalog: modelVersionFilterCatalog,
  beyondFilter: (request, filter, catalog) => [
    // A deleted version stays as a tombstone row so its number is never reused (modelRegistry.ts); never a result.
    fragment('model_versions.current_stage != ?', ['Deleted_Internal']),
    // As MLflow: a name any of whose versions is tagged as a prompt is a prompt.
    ...(filterNamesPromptTag(filter?.expression, catalog, new FaultReporter(request.filter ?? '', 'filter'))
      ? []
      : [withoutPrompts('model_version_tags', 'p.name = model_versions.name')]),
  ],
  order: orderByClauses({
    fieldExample,
    defaults: ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'],
    term: attributeOrder(orderableAttributes),
    refuseDuplicates: true,
  }),
  tieBreakers: [columnTerm('name', 'model_versions.name', true), columnTerm('version', 'model_versions.version', false)],
};

/**
 * Compiles a model version search to one parameterized statement selecting `name` and `version`
 * from `model_versions`, in order, one page plus one row. Versions of prompts are left out unless
 * the filter asks about `mlflow.prompt.is_prompt`. Throws a 400 MlflowError on bad input.
 */
export function compileModelVersionSearch(request: ModelVersionSearchRequest): SearchQuery {
  return compileSearch(modelVersionSearchEntity, request);
}
