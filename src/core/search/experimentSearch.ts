import { attributeOrderTerm, type OrderableAttribute } from './attributeOrder';
import { compileFilter } from './compileFilter';
import { FaultReporter } from './filterError';
import { columnField, keyValueField, type FilterCatalog } from './filterFields';
import { parseOrderByList } from './orderByParser';
import { columnTerm, orderedIds, selectStatement } from './orderTerms';
import { decodeOffsetToken, pagedQuery, resolveMaxResults, type SearchQuery } from './paging';
import type { SqlFragment } from './sqlFragment';
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

const experimentSearchLimits = { defaultValue: 1000, max: 50000, maxCheckedBy: 'store' } as const;

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

/**
 * Compiles an experiment search to one parameterized statement selecting `experiment_id` from
 * `experiments`, in order, one page plus one row. Throws a 400 MlflowError on bad input.
 */
export function compileExperimentSearch(request: ExperimentSearchRequest): SearchQuery {
  const maxResults = resolveMaxResults(request.maxResults, experimentSearchLimits);
  const offset = decodeOffsetToken(request.pageToken);
  const conditions: SqlFragment[] = [];
  const lifecycle = lifecycleCondition('experiments.lifecycle_stage', request.viewType, 'view_type');
  if (lifecycle !== undefined) conditions.push(lifecycle);
  const filter = compileFilter(request.filter ?? '', experimentFilterCatalog, fieldExample);
  if (filter !== undefined) conditions.push(filter.where);

  const clauses = parseOrderByList(request.orderBy, fieldExample, ['creation_time DESC', 'experiment_id ASC']);
  const terms = clauses.map((clause) =>
    attributeOrderTerm(clause, orderableAttributes, experimentFilterCatalog, new FaultReporter(clause.text, 'order_by clause')),
  );
  // MLflow's tie-breaker, for a stable order across pages.
  if (!orderedIds(terms).has('experiment_id')) terms.push(columnTerm('experiment_id', 'experiments.experiment_id', false));

  return pagedQuery(selectStatement({ columns: 'experiments.experiment_id', from: 'experiments', conditions, terms }), maxResults, offset);
}
