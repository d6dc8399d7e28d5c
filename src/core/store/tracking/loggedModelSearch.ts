import type { LoggedModel, LoggedModelRow } from '../../entities';
import { compileLoggedModelSearch, type LoggedModelSearchRequest } from '../../search/loggedModelSearch';
import type { Reader } from '../databaseApi';
import { assembleLoggedModels } from './loggedModels';
import { nextPage, rowsInOrder, searchedIds } from './sqlHelpers';

export interface LoggedModelPage {
  readonly models: LoggedModel[];
  readonly nextPageToken?: string;
}

export function searchLoggedModels(db: Reader, request: LoggedModelSearchRequest): LoggedModelPage {
  const query = compileLoggedModelSearch(request);
  const page = query.page(searchedIds<string>(db, query.sql, query.params));
  const rows = rowsInOrder<LoggedModelRow, string>(db, 'logged_models', 'model_id', page.items, (row) => row.model_id);
  return { models: assembleLoggedModels(db, rows), ...nextPage(page.nextPageToken) };
}
