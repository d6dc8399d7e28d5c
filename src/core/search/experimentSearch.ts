import type { OrderableAttribute } from './attributeOrder';
import { compileSearch } from './compileSearch';
import { columnField, keyValueField, type FilterCatalog } from './filterFields';
import { columnTerm } from './orderTerms';
import type { SearchQuery } from './paging';
import { attributeOrder, orderByClauses, type SearchEntity } from './searchEntity';
import { lifecycleCondition, type ViewType } from './viewType';

/** `experiments/search` as the REST API carries it (field names in camelCase). */
export interface ExperimentSearchRequest {
  /** On name, creation_time, last_update_time and tags. */
  readonly filter?: string;
  /** Clauses on name, experiment_id, creation_time, last_update_time; `creation_time DESC, experiment_id ASC` when absent. */
  readonly orderBy?: readonly string[];
  /** A ViewType name or its proto number; ACTIVE_ONLY when absent. */
  readonly viewType?: ViewType | string | number;
  /** 1 to 50,000; 1,000 when absent. */
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

const fieldExample = 'name, creation_time or tags.team';

const experimentFilterCatalog: FilterCatalog = {
  subject: 'experiments',
  attributes: {
    name: columnField("attribute 'name'", 'string', 'experiments.name'),
    creation_time: columnField("attribute 'creation_time'", 'number', 'experiments.creation_time'),
    last_update_time: columnField("attribute 'last_update_time'", 'number', 'experiments.last_update_time'),
  },
  attributeNames: ['name', 'creation_time', 'last_update_time'],
  keyed: {
    tag: (key) => keyValueField(`tag '${key}'`, 'experiment_tags', 'k.experiment_id = experiments.experiment_id', key),
  },
};

const orderableAttributes: Readonly<Record<string, OrderableAttribute>> = {
  name: { id: 'name', column: 'experiments.name' },
  experiment_id: { id: 'experiment_id', column: 'experiments.experiment_id' },
  creation_time: { id: 'creation_time', column: 'experiments.creation_time' },
  last_update_time: { id: 'last_update_time', column: 'experiments.last_update_time' },
};

const experimentSearchEntity: SearchEntity<ExperimentSearchRequest> = {
  table: 'experiments',
  keyColumns: 'experiments.experiment_id',
  limits: { defaultValue: 1000, max: 50000, maxCheckedBy: 'store' },
  fieldExample,
  catalog: experimentFilterCatalog,
  scope: (request) => {
    const lifecycle = lifecycleCondition('experiments.lifecycle_stage', request.viewType, 'view_type');
    return lifecycle === undefined ? [] : [lifecycle];
  },
  order: orderByClauses({
    fieldExample,
    defaults: ['creation_time DESC', 'experiment_id ASC'],
    term: attributeOrder(orderableAttributes),
    refuseDuplicates: false,
  }),
  // MLflow's tie-breaker, for a stable order across pages.
  tieBreakers: [columnTerm('experiment_id', 'experiments.experiment_id', false)],
};

/**
 * Compiles an experiment search to one parameterized statement selecting `experiment_id` from
 * `experiments`, in order, one page plus one row. Throws a 400 MlflowError on bad input.
 */
export function compileExperimentSearch(request: ExperimentSearchRequest): SearchQuery {
  return compileSearch(experimentSearchEntity, request);
}
