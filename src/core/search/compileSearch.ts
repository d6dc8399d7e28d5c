import { compileFilter } from './compileFilter';
import { orderedIds, selectStatement } from './orderTerms';
import { pagedQuery, resolveMaxResults, type SearchQuery } from './paging';
import { offsetPageToken, type PageTokenCodec, type SearchEntity, type SearchRequest } from './searchEntity';
import type { SqlFragment } from './sqlFragment';

/**
 * Compiles a search of one entity to one parameterized statement that selects its key columns,
 * in order, one page plus one row. The steps run in this order, which decides which fault a
 * request with several is refused for: max_results, the catalog, the page token, the scope, the
 * filter, the order. Bad input throws a 400 MlflowError; filter and order_by faults are
 * FilterErrors that point at the fault.
 */
export function compileSearch<Request extends SearchRequest>(entity: SearchEntity<Request>, request: Request): SearchQuery {
  const maxResults = resolveMaxResults(request.maxResults, entity.limits);
  const catalog = typeof entity.catalog === 'function' ? entity.catalog(request) : entity.catalog;
  const tokens: PageTokenCodec<Request> = entity.pageToken ?? offsetPageToken;
  const offset = tokens.decode(request);

  const conditions: SqlFragment[] = entity.scope?.(request) ?? [];
  const filter = compileFilter(request.filter ?? '', catalog, entity.fieldExample);
  if (filter !== undefined) conditions.push(filter.where);
  conditions.push(...(entity.beyondFilter?.(request, filter, catalog) ?? []));

  const terms = entity.order(request, catalog);
  const ordered = orderedIds(terms);
  terms.push(...entity.tieBreakers.filter((term) => !ordered.has(term.id)));

  const select = selectStatement({ columns: entity.keyColumns, from: entity.table, conditions, terms });
  return pagedQuery(select, { maxResults, offset, tokenFor: (next) => tokens.encode(request, next), tokenWhenFull: entity.tokenWhenFull ?? false });
}
