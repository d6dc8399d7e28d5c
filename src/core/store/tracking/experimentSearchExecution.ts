import type { Experiment, ExperimentRow } from '../../entities';
import { compileExperimentSearch, type ExperimentSearchRequest } from '../../search/experimentSearch';
import type { Reader } from '../databaseApi';
import { executeSearch, firstColumn, type SearchRows } from '../executeSearch';
import { withTags } from './experiments';
import { nextPage, rowsInOrder } from './sqlHelpers';

export interface ExperimentPage {
  readonly experiments: Experiment[];
  readonly nextPageToken?: string;
}

export function searchExperiments(db: Reader, request: ExperimentSearchRequest): ExperimentPage {
  const page = executeSearch(db, compileExperimentSearch(request), searchedExperiments);
  return { experiments: page.items, ...nextPage(page.nextPageToken) };
}

const searchedExperiments: SearchRows<number, Experiment> = {
  key: firstColumn,
  read: (db, ids) => withTags(db, rowsInOrder<ExperimentRow, number>(db, 'experiments', 'experiment_id', ids, (row) => row.experiment_id)),
};
