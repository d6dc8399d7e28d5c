import type { LoggedModel, LoggedModelRow } from '../../entities';
import { compileLoggedModelSearch, type LoggedModelSearchRequest } from '../../search/loggedModelSearch';
import type { Reader } from '../databaseApi';
import { executeSearch, firstColumn, type SearchRows } from '../executeSearch';
import { assembleLoggedModels } from './loggedModels';
import { nextPage, rowsInOrder } from './sqlHelpers';

export interface LoggedModelPage {
  readonly models: LoggedModel[];
  readonly nextPageToken?: string;
}

export function searchLoggedModels(db: Reader, request: LoggedModelSearchRequest): LoggedModelPage {
  const page = executeSearch(db, compileLoggedModelSearch(request), searchedLoggedModels);
  return { models: page.items, ...nextPage(page.nextPageToken) };
}

const searchedLoggedModels: SearchRows<string, LoggedModel> = {
  key: firstColumn,
  read: (db, ids) => assembleLoggedModels(db, rowsInOrder<LoggedModelRow, string>(db, 'logged_models', 'model_id', ids, (row) => row.model_id)),
};
