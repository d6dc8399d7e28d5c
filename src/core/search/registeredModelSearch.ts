import type { OrderableAttribute } from './attributeOrder';
import { compileSearch } from './compileSearch';
import { FaultReporter } from './filterError';
import { columnField, type FilterCatalog } from './filterFields';
import { columnTerm } from './orderTerms';
import type { SearchQuery } from './paging';
import { filterNamesPromptTag, registryTagField, withoutPrompts } from './registryPrompts';
import { attributeOrder, orderByClauses, type SearchEntity } from './searchEntity';

/** `registered-models/search` as the REST API carries it (field names in camelCase). */
export interface RegisteredModelSearchRequest {
  /** On name (=, !=, LIKE, ILIKE, IN, NOT IN) and tags. */
  readonly filter?: string;
  /** Clauses on name, timestamp or last_updated_timestamp, creation_timestamp; then name ASC. */
  readonly orderBy?: readonly string[];
  /** 1 to 1,000; 100 when absent (MLflow's registry limits). */
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

const fieldExample = 'name or tags.team';

const registeredModelFilterCatalog: FilterCatalog = {
  subject: 'registered models',
  attributes: {
    name: columnField("attribute 'name'", 'string', 'registered_models.name'),
    creation_timestamp: columnField("attribute 'creation_timestamp'", 'number', 'registered_models.creation_time'),
    last_updated_timestamp: columnField("attribute 'last_updated_timestamp'", 'number', 'registered_models.last_updated_time'),
  },
  attributeNames: ['name', 'creation_timestamp', 'last_updated_timestamp'],
  keyed: {
    tag: (key) => registryTagField('registered_model_tags', 'k.name = registered_models.name', key),
  },
};

const lastUpdated: OrderableAttribute = { id: 'last_updated_time', column: 'registered_models.last_updated_time' };
const orderableAttributes: Readonly<Record<string, OrderableAttribute>> = {
  name: { id: 'name', column: 'registered_models.name' },
  timestamp: lastUpdated,
  last_updated_timestamp: lastUpdated,
  creation_timestamp: { id: 'creation_time', column: 'registered_models.creation_time' },
};

const registeredModelSearchEntity: SearchEntity<RegisteredModelSearchRequest> = {
  table: 'registered_models',
  keyColumns: 'registered_models.name',
  limits: { defaultValue: 100, max: 1000, maxCheckedBy: 'schema' },
  fieldExample,
  catalog: registeredModelFilterCatalog,
  beyondFilter: (request, filter, catalog) =>
    filterNamesPromptTag(filter?.expression, catalog, new FaultReporter(request.filter ?? '', 'filter'))
      ? []
      : [withoutPrompts('registered_model_tags', 'p.name = registered_models.name')],
  order: orderByClauses({ fieldExample, term: attributeOrder(orderableAttributes), refuseDuplicates: true }),
  tieBreakers: [columnTerm('name', 'registered_models.name', true)],
};

/**
 * Compiles a registered model search to one parameterized statement selecting `name` from
 * `registered_models`, in order, one page plus one row. Prompts are left out unless the
 * filter asks about `mlflow.prompt.is_prompt`. Throws a 400 MlflowError on bad input.
 */
export function compileRegisteredModelSearch(request: RegisteredModelSearchRequest): SearchQuery {
  return compileSearch(registeredModelSearchEntity, request);
}
