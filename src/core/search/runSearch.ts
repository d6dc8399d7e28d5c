import { compileFilter } from './compileFilter';
import { experimentCondition } from './experimentIds';
import { FaultReporter } from './filterError';
import { parseOrderByList } from './orderByParser';
import { orderedIds, refuseDuplicates, selectStatement } from './orderTerms';
import { decodeOffsetToken, pagedQuery, resolveMaxResults, type SearchQuery } from './paging';
import { runFieldExample, runFilterCatalog, runOrderTerm, runTieBreakers } from './runFields';
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

/** MLflow's SEARCH_MAX_RESULTS_DEFAULT and SEARCH_MAX_RESULTS_THRESHOLD. */
const runSearchLimits = { defaultValue: 1000, max: 50000, maxCheckedBy: 'schema' } as const;

/**
 * Compiles a run search to one parameterized statement that selects `run_id` from `runs` (the
 * table is referred to as `runs`), in order, one page plus one row. Bad input throws a 400
 * MlflowError; filter and order_by faults are FilterErrors that point at the fault.
 */
export function compileRunSearch(request: RunSearchRequest): SearchQuery {
  const maxResults = resolveMaxResults(request.maxResults, runSearchLimits);
  const offset = decodeOffsetToken(request.pageToken);
  const conditions: SqlFragment[] = [experimentCondition('runs.experiment_id', request.experimentIds, 'experiment_ids')];
  const lifecycle = lifecycleCondition('runs.lifecycle_stage', request.runViewType, 'run_view_type');
  if (lifecycle !== undefined) conditions.push(lifecycle);
  const filter = compileRunFilter(request.filter ?? '');
  if (filter !== undefined) conditions.push(filter);

  const clauses = parseOrderByList(request.orderBy, runFieldExample);
  const terms = clauses.map((clause, index) => runOrderTerm(clause, index, new FaultReporter(clause.text, 'order_by clause')));
  refuseDuplicates(terms, clauses);
  terms.push(...runTieBreakers(orderedIds(terms)));

  return pagedQuery(selectStatement({ columns: 'runs.run_id', from: 'runs', conditions, terms }), maxResults, offset);
}

/** A run filter as a WHERE predicate over `runs`; undefined for an empty filter. Throws FilterError. */
export function compileRunFilter(filter: string): SqlFragment | undefined {
  return compileFilter(filter, runFilterCatalog, runFieldExample)?.where;
}
