import { compileFilter } from './compileFilter';
import { compileSearch } from './compileSearch';
import { experimentCondition } from './experimentIds';
import type { SearchQuery } from './paging';
import { runFieldExample, runFilterCatalog, runOrderTerm, runTieBreakers } from './runFields';
import { orderByClauses, type SearchEntity } from './searchEntity';
import type { SqlFragment } from './sqlFragment';
import { lifecycleCondition, type ViewType } from './viewType';

/** `runs/search` as the REST API carries it (field names in camelCase). */
export interface RunSearchRequest {
  readonly experimentIds: readonly string[];
  /** MLflow's filter language, plus OR and parentheses. */
  readonly filter?: string;
  /** Clauses such as `metrics.rmse DESC`, `params.lr`, `start_time ASC`, in priority order. */
  readonly orderBy?: readonly string[];
  /** A ViewType name or its proto number; ACTIVE_ONLY when absent. */
  readonly runViewType?: ViewType | string | number;
  /** 1 to 50,000; 1,000 when absent. Numeric strings are accepted (proto3 JSON int64). */
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

/** Runs of the given experiments; the table is referred to as `runs`. */
const runSearchEntity: SearchEntity<RunSearchRequest> = {
  table: 'runs',
  keyColumns: 'runs.run_id',
  // MLflow's SEARCH_MAX_RESULTS_DEFAULT and SEARCH_MAX_RESULTS_THRESHOLD.
  limits: { defaultValue: 1000, max: 50000, maxCheckedBy: 'schema' },
  fieldExample: runFieldExample,
  catalog: runFilterCatalog,
  scope: (request) => {
    const conditions = [experimentCondition('runs.experiment_id', request.experimentIds, 'experiment_ids')];
    const lifecycle = lifecycleCondition('runs.lifecycle_stage', request.runViewType, 'run_view_type');
    return lifecycle === undefined ? conditions : [...conditions, lifecycle];
  },
  order: orderByClauses({ fieldExample: runFieldExample, term: (clause, index, _catalog, faults) => runOrderTerm(clause, index, faults), refuseDuplicates: true }),
  tieBreakers: runTieBreakers,
};

/**
 * Compiles a run search to one parameterized statement that selects `run_id` from `runs`, in
 * order, one page plus one row. Bad input throws a 400 MlflowError; filter and order_by faults
 * are FilterErrors that point at the fault.
 */
export function compileRunSearch(request: RunSearchRequest): SearchQuery {
  return compileSearch(runSearchEntity, request);
}

/** A run filter as a WHERE predicate over `runs`; undefined for an empty filter. Throws FilterError. */
export function compileRunFilter(filter: string): SqlFragment | undefined {
  return compileFilter(filter, runFilterCatalog, runFieldExample)?.where;
}
