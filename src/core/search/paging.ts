import { invalidParameter } from '../errors';
import { schemaViolationMessage } from '../validation';
import type { SqlParam } from './sqlFragment';

/** One page of results and, when more follow, the token that fetches the next page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

/**
 * A compiled search: run `sql` with `params`; it returns at most `maxResults + 1` rows, the extra
 * one telling that another page exists. `page` turns the rows into the reply.
 */
export interface SearchQuery {
  readonly sql: string;
  readonly params: readonly SqlParam[];
  readonly maxResults: number;
  /** The statement without its page: for executors that filter rows further after SQL (trace span content). */
  readonly select: { readonly sql: string; readonly params: readonly SqlParam[] };
  /** Rows of `select` before this page. */
  readonly offset: number;
  /** The token of the page starting at `offset` rows of `select`. */
  tokenFor(offset: number): string;
  page<T>(rows: readonly T[]): Page<T>;
}

/** Where a page starts and how the next one is asked for. */
export interface Paging {
  readonly maxResults: number;
  /** Rows skipped before this page (from the page token). */
  readonly offset: number;
  /** Encodes the next page's offset as a token. */
  readonly tokenFor: (offset: number) => string;
  /** A token whenever the page is full, even when no row follows (MLflow's trace search does so). */
  readonly tokenWhenFull: boolean;
}

/** Adds the query's LIMIT/OFFSET tail and builds its `page`. */
export function pagedQuery(select: { sql: string; params: readonly SqlParam[] }, paging: Paging): SearchQuery {
  const { maxResults, offset, tokenFor, tokenWhenFull } = paging;
  return {
    sql: `${select.sql} LIMIT ? OFFSET ?`,
    params: [...select.params, maxResults + 1, offset],
    maxResults,
    select,
    offset,
    tokenFor,
    page: <T>(rows: readonly T[]): Page<T> => {
      const more = rows.length > maxResults || (tokenWhenFull && rows.length === maxResults);
      return more ? { items: rows.slice(0, maxResults), nextPageToken: tokenFor(offset + maxResults) } : { items: rows.slice() };
    },
  };
}

/**
 * MLflow's page token: base64 of the JSON `{"offset": n}` (spaced as Python's json.dumps writes it,
 * so tokens read the same as a real server's). Clients pass it back without reading it.
 */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/** The offset a page token carries; 0 without a token. A token this server did not make is a 400. */
export function decodeOffsetToken(token: string | undefined): number {
  if (isAbsent(token)) return 0;
  const offset = decodeTokenJson(token)['offset'];
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token '${token}': it holds no valid offset.`);
  }
  return offset;
}

/** The JSON object inside a base64 page token; anything else is a 400. */
export function decodeTokenJson(token: string): Record<string, unknown> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) {
    throw invalidParameter(`Invalid page token '${token}': it is not base64.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidParameter(`Invalid page token '${token}': it does not hold JSON.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidParameter(`Invalid page token '${token}': it does not hold a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

/** Page-size limits of one search endpoint, as MLflow sets them. */
export interface MaxResultsLimits {
  readonly defaultValue: number;
  readonly max: number;
  /**
   * Who enforces `max` in MLflow, which decides the words of the refusal: the handler's request
   * schema (search_runs, registered models, model versions, traces: "Invalid value … Hint: Value was
   * of type 'int'", the value as sent) or the store ("It must be at most 50000").
   */
  readonly maxCheckedBy: 'schema' | 'store';
}

/** `max_results` as a page size: the default when absent; a positive integer up to `max`, else a 400. */
export function resolveMaxResults(value: number | string | undefined, limits: MaxResultsLimits): number {
  if (isAbsent(value)) return limits.defaultValue;
  // int64 fields may arrive as JSON strings (proto3 JSON mapping).
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter 'max_results' supplied. It must be a positive integer`);
  }
  if (number > limits.max) {
    throw invalidParameter(
      limits.maxCheckedBy === 'schema'
        ? schemaViolationMessage('max_results', value)
        : `Invalid value ${number} for parameter 'max_results' supplied. It must be at most ${limits.max}`,
    );
  }
  return number;
}

/** A request field the client left out: JSON bodies may also carry null or, for strings, ''. */
export function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}
