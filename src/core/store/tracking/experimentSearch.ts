import type { Experiment, ExperimentRow } from '../../entities';
import { compileExperimentSearch, type ExperimentSearchRequest } from '../../search/experimentSearch';
import type { Reader } from '../databaseApi';
import { withTags } from './experiments';
import { nextPage, rowsInOrder, searchedIds } from './sqlHelpers';

export interface ExperimentPage {
  readonly experiments: Experiment[];
  readonly nextPageToken?: string;
}

export function searchExperiments(db: Reader, request: ExperimentSearchRequest): ExperimentPage {
  const query = compileExperimentSearch(request);
  const page = query.page(searchedIds<number>(db, query.sql, query.params));
  const rows = rowsInOrder<ExperimentRow, number>(db, 'experiments', 'experiment_id', page.items, (row) => row.experiment_id);
  return { experiments: withTags(db, rows), ...nextPage(page.nextPageToken) };
}
