import { attributeOrderTerm, type OrderableAttribute } from './attributeOrder';
import type { CompiledFilter } from './compileFilter';
import { FaultReporter } from './filterError';
import type { FilterCatalog } from './filterFields';
import { parseOrderByList, type OrderByClause } from './orderByParser';
import { refuseDuplicates, type OrderTerm } from './orderTerms';
import { decodeOffsetToken, encodeOffsetToken, type MaxResultsLimits } from './paging';
import type { SqlFragment } from './sqlFragment';

/** What every search request carries, whatever it searches. */
export interface SearchRequest {
  /** MLflow's filter language over the entity's catalog. */
  readonly filter?: string;
  /** Numeric strings are accepted (proto3 JSON int64). */
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

/** How a page token carries the offset of the next page. */
export interface PageTokenCodec<Request> {
  /** The offset the request's token carries; 0 without one. A token this server did not make is a 400. */
  decode(request: Request): number;
  encode(request: Request, offset: number): string;
}

/** MLflow's usual page token, `{"offset": n}`, bound to nothing else in the request. */
export const offsetPageToken: PageTokenCodec<SearchRequest> = {
  decode: (request) => decodeOffsetToken(request.pageToken),
  encode: (_request, offset) => encodeOffsetToken(offset),
};

/**
 * One searchable entity, described for `compileSearch`: adding a search is writing one of these.
 * Every piece of SQL here is fixed text; request values reach it only as bound parameters.
 */
export interface SearchEntity<Request extends SearchRequest> {
  /** The searched table, named as is (never aliased) in the filter and order SQL. */
  readonly table: string;
  /** The key columns a search selects, in the order the executor reads them. */
  readonly keyColumns: string;
  /** max_results: the default, the bound, and which MLflow check words the refusal. */
  readonly limits: MaxResultsLimits;
  /** Completes "expected a field such as ..." in filter messages. */
  readonly fieldExample: string;
  /** What a filter can compare; a function when that depends on the request (it checks the fields it reads, a 400 if bad). */
  readonly catalog: FilterCatalog | ((request: Request) => FilterCatalog);
  /** MLflow's `{"offset": n}` token when absent. */
  readonly pageToken?: PageTokenCodec<Request>;
  /** Conditions placed before the filter: the experiments searched, the lifecycle stages shown. */
  readonly scope?: (request: Request) => SqlFragment[];
  /** Conditions placed after the filter, which may depend on it (prompts stay out unless the filter names them). */
  readonly beyondFilter?: (request: Request, filter: CompiledFilter | undefined, catalog: FilterCatalog) => SqlFragment[];
  /** The request's own order terms, in priority order. */
  readonly order: (request: Request, catalog: FilterCatalog) => OrderTerm[];
  /**
   * Appended after the request's terms, each unless the request orders on its id: MLflow's
   * default order and tie-breakers, which keep the order stable across pages.
   */
  readonly tieBreakers: readonly OrderTerm[];
  /** A next page token whenever a page is full, even when nothing follows (MLflow's trace search). */
  readonly tokenWhenFull?: boolean;
}

/** Makes one order_by clause a term (the clause's own FaultReporter points at its faults). */
export type ClauseOrder = (clause: OrderByClause, index: number, catalog: FilterCatalog, faults: FaultReporter) => OrderTerm;

/** Clauses that must name one of `attributes` (bare or under `attributes.`). */
export function attributeOrder(attributes: Readonly<Record<string, OrderableAttribute>>): ClauseOrder {
  return (clause, _index, catalog, faults) => attributeOrderTerm(clause, attributes, catalog, faults);
}

/**
 * order_by as a list of clause strings (`name DESC`), or `defaults` when absent or empty; each
 * clause made a term by `term`. With `refuseDuplicates`, a field ordered twice is a 400, as MLflow
 * does for that search.
 */
export function orderByClauses<Request extends { readonly orderBy?: readonly string[] }>(options: {
  readonly fieldExample: string;
  readonly defaults?: readonly string[];
  readonly term: ClauseOrder;
  readonly refuseDuplicates: boolean;
}): (request: Request, catalog: FilterCatalog) => OrderTerm[] {
  return (request, catalog) => {
    const clauses = parseOrderByList(request.orderBy, options.fieldExample, options.defaults);
    const terms = clauses.map((clause, index) => options.term(clause, index, catalog, new FaultReporter(clause.text, 'order_by clause')));
    if (options.refuseDuplicates) refuseDuplicates(terms, clauses);
    return terms;
  };
}
