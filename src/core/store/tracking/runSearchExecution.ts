import type { Run, ViewType } from '../../entities';
import { compileRunFilter, compileRunSearch, type RunSearchRequest } from '../../search/runSearch';
import type { SqlParam } from '../../search/sqlFragment';
import { lifecycleCondition } from '../../search/viewType';
import type { Reader } from '../databaseApi';
import { executeSearch, firstColumn, type SearchRows } from '../executeSearch';
import { assembleRuns, runRowsInOrder } from './runReads';
import { nextPage, placeholders } from './sqlHelpers';

export interface RunPage {
  readonly runs: Run[];
  readonly nextPageToken?: string;
}

/** One page of runs matching a search, each with its data, inputs and outputs. */
export function searchRuns(db: Reader, request: RunSearchRequest): RunPage {
  const page = executeSearch(db, compileRunSearch(request), searchedRuns);
  return { runs: page.items, ...nextPage(page.nextPageToken) };
}

const searchedRuns: SearchRows<string, Run> = {
  key: firstColumn,
  read: (db, ids) => assembleRuns(db, runRowsInOrder(db, ids)),
};

/**
 * How many runs an experiment holds (all experiments when none is named); with a filter (MLflow's
 * language, as `searchRuns` takes it), how many of them match. A bad filter throws FilterError.
 */
export function countRuns(db: Reader, experiments?: string | readonly string[], viewType: ViewType = 'ACTIVE_ONLY', filter = ''): number {
  const experimentIds = typeof experiments === 'string' ? [experiments] : experiments;
  const conditions: string[] = [];
  const params: SqlParam[] = [];
  const lifecycle = lifecycleCondition('lifecycle_stage', viewType, 'view_type');
  if (lifecycle) {
    conditions.push(lifecycle.sql);
    params.push(...lifecycle.params);
  }
  if (experimentIds) {
    conditions.push(`experiment_id IN (${placeholders(experimentIds.length)})`);
    params.push(...experimentIds);
  }
  const matching = compileRunFilter(filter);
  if (matching) {
    conditions.push(matching.sql);
    params.push(...matching.params);
  }
  const where = conditions.length > 0 ? conditions.join(' AND ') : '1';
  return db.get<{ count: number }>(`SELECT COUNT(*) AS count FROM runs WHERE ${where}`, params)?.count ?? 0;
}
