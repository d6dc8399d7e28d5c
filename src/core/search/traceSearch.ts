import type { OrderableAttribute } from './attributeOrder';
import { compileSearch } from './compileSearch';
import { experimentCondition } from './experimentIds';
import { columnField, keyValueField, type FilterCatalog, type FilterField, type ValueTest } from './filterFields';
import { asciiLowerCase, prefixRange } from './likePattern';
import { columnTerm } from './orderTerms';
import type { SearchQuery } from './paging';
import { attributeOrder, orderByClauses, type SearchEntity } from './searchEntity';
import { fragment, type SqlFragment } from './sqlFragment';
import { spanContentTests, type SpanContentTest } from './spanContentTests';
import { traceOperators, withOperators } from './traceOperators';

/** `traces/search` (v3) as RunLens reads it: the experiments of `locations`, MLflow's filter and order. */
export interface TraceSearchRequest {
  readonly experimentIds: readonly string[];
  readonly filter?: string;
  /** 1 to 500 (MLflow's search_traces handler); 100 when absent (MLflow's SEARCH_TRACES_DEFAULT_MAX_RESULTS). */
  readonly maxResults?: number | string;
  /** Clauses such as `timestamp_ms DESC`; newest first when absent. */
  readonly orderBy?: readonly string[];
  readonly pageToken?: string;
}

const traceSearchLimits = { defaultValue: 100, max: 500, maxCheckedBy: 'schema' } as const;
const fieldExample = "status, tags.env, request_metadata.`mlflow.sourceRun`, span.name or span.attributes.model";

const requestTime = withOperators(columnField("attribute 'timestamp_ms'", 'number', 'traces.request_time'), traceOperators.numericAttribute);
// Unary + keeps a latency range from choosing the latency index over the order's own index
// (a range over many traces, then a sort, is slower than walking newest first to a page).
const executionTime = withOperators(columnField("attribute 'execution_time_ms'", 'number', '+traces.execution_ms'), traceOperators.numericAttribute);
const endTime = withOperators(columnField("attribute 'end_time_ms'", 'number', '(traces.request_time + traces.execution_ms)'), traceOperators.numericAttribute);
const state = withOperators(columnField("attribute 'status'", 'string', 'traces.state'), traceOperators.stringAttribute);
const traceId = withOperators(columnField("attribute 'request_id'", 'string', 'traces.trace_id'), traceOperators.stringAttribute);

/** A trace's run: the run it was made in (metadata mlflow.sourceRun) or one it was linked to. */
const runIdField: FilterField = {
  label: "attribute 'run_id'",
  type: 'string',
  operators: traceOperators.stringAttribute,
  where: (test) => {
    const inMetadata = test.on('m.value');
    const linked = test.on('l.run_id');
    return fragment(
      `(EXISTS (SELECT 1 FROM trace_metadata AS m WHERE m.trace_id = traces.trace_id AND m.key = 'mlflow.sourceRun' AND ${inMetadata.sql})` +
        ` OR EXISTS (SELECT 1 FROM trace_run_links AS l WHERE l.trace_id = traces.trace_id AND ${linked.sql}))`,
      [...inMetadata.params, ...linked.params],
    );
  },
};

/**
 * Free text. MLflow 3.6 maps `text` onto `span.content`; RunLens tests it the same way (after SQL,
 * over the span files: see spanContentField) and also against the request and response previews
 * and the trace's name, which the spans hold anyway (a trace without span files keeps its match).
 */
const textField: FilterField = {
  label: "attribute 'text'",
  type: 'string',
  operators: traceOperators.spanContent,
  where: () => fragment('1'),
};

const traceAttributes: Readonly<Record<string, FilterField>> = {
  request_id: traceId,
  trace_id: traceId,
  timestamp: requestTime,
  timestamp_ms: requestTime,
  execution_time: executionTime,
  execution_time_ms: executionTime,
  end_time: endTime,
  end_time_ms: endTime,
  status: state,
  state,
  // MLflow maps `name` onto a tag but takes lists for it (SUPPORT_IN_COMPARISON_ATTRIBUTE_KEYS).
  name: withOperators(keyValueField("attribute 'name'", 'trace_tags', 'k.trace_id = traces.trace_id', 'mlflow.traceName'), traceOperators.stringAttribute),
  run_id: runIdField,
  client_request_id: withOperators(columnField("attribute 'client_request_id'", 'string', 'traces.client_request_id'), traceOperators.stringAttribute),
  text: textField,
};

/**
 * `span.content`: MLflow 3.6 matches LIKE and ILIKE against each span's whole JSON. Span payloads
 * stay in their files, out of sql.js (core/traces/spanFiles.ts), so no statement can read them: the
 * comparison is true in SQL and the search's executor tests the candidates' span files
 * (core/traces/contentSearch.ts), from the compiled search's `contentTests`.
 */
const spanContentField: FilterField = {
  label: "span 'content'",
  type: 'string',
  operators: traceOperators.spanContent,
  where: () => fragment('1'),
};

const spanColumns: Readonly<Record<string, string>> = { name: 's.name', type: 's.span_type', status: 's.status' };
const spanAttributesPrefix = 'attributes.';

/**
 * Reads the one number a statement selects (a COUNT): how a span attribute's filter learns, before
 * it is compiled, whether many spans or few pass its test. The searching store supplies it.
 */
export type CountReader = (statement: SqlFragment) => number;

/**
 * Spans passing a span attribute's test from which the traces are walked in order, each probed for
 * such a span, instead of listed first: a list of this many trace ids costs a few milliseconds to
 * build, and with this many matches a page of traces is found long before the walk ends.
 */
export const spanAttributeListLimit = 2000;

/** `span.name`, `span.type`, `span.status` and `span.attributes.<key>`: some span of the trace passes the test. */
function spanField(key: string, countRows: CountReader | undefined): FilterField | undefined {
  if (key.toLowerCase().startsWith(spanAttributesPrefix)) return spanAttributeField(key.slice(spanAttributesPrefix.length), countRows);
  if (key.toLowerCase() === 'content') return spanContentField;
  const column = spanColumns[key.toLowerCase()];
  if (column === undefined) return undefined;
  return {
    label: `span '${key}'`,
    type: 'string',
    operators: traceOperators.span(key),
    where: (test) => {
      const value = test.on(column);
      return fragment(`EXISTS (SELECT 1 FROM trace_spans AS s WHERE s.trace_id = traces.trace_id AND ${value.sql})`, value.params);
    },
  };
}

/**
 * `span.attributes.<key>`: some span of the trace has the attribute and its value, as text (a
 * string as it is, anything else as JSON: `0.7`, `true`), passes the test. Read from the narrow
 * table ingestion fills (core/traces/spanAttributes.ts), never from the span files.
 *
 * Which plan is fast depends on how many spans pass, which only the data tells: a value few traces
 * have (a session, a rare model, a prefix few meet) is found in the value index and its traces
 * listed once, then the traces walked in order only check membership; a value most traces have
 * is checked per trace, the walk stopping at a full page (listing 100,000 ids first took 590 ms).
 * So the matches are counted first, up to spanAttributeListLimit: an index range, bounded either way.
 */
function spanAttributeField(name: string, countRows: CountReader | undefined): FilterField {
  return {
    label: `span attribute '${name}'`,
    type: 'string',
    operators: traceOperators.span(`${spanAttributesPrefix}${name}`),
    where: (test) => {
      const value = test.on('a.value');
      const seek = prefixSeek(test);
      const matches = fragment(`FROM trace_span_attributes AS a WHERE a.key = ? AND ${seek.sql}${value.sql}`, [name, ...seek.params, ...value.params]);
      const few =
        countRows !== undefined &&
        countRows(fragment(`SELECT COUNT(*) FROM (SELECT 1 ${matches.sql} LIMIT ?)`, [...matches.params, spanAttributeListLimit])) < spanAttributeListLimit;
      // The unary + keeps the walk over traces in order rather than driven from the list.
      if (few) return fragment(`+traces.trace_id IN (SELECT a.trace_id ${matches.sql})`, matches.params);
      // Probed by the trace's own rows (trace_id, key), never by a range of the value index that
      // many spans share (a prefix every other trace meets cost 12 s so).
      const probed = test.on('+a.value');
      return fragment(`EXISTS (SELECT 1 FROM trace_span_attributes AS a WHERE a.trace_id = traces.trace_id AND a.key = ? AND ${probed.sql})`, [name, ...probed.params]);
    },
  };
}

/**
 * A range of the value indexes every match lies in, so that counting and listing the matches read
 * that range rather than every value of the key (166 ms over 100,000 traces for ILIKE, 1.4 s for
 * RLIKE). ILIKE ignores ASCII case, which the value index (BINARY order) cannot seek: its literal
 * prefix bounds the values as `lower()` folds them, the order of the folded index (schema version
 * 11). An anchored RLIKE (`^gpt-4`) bounds the values themselves. LIKE needs neither: SQLite seeks
 * a GLOB's prefix itself. Empty for anything else; the test itself still decides each match.
 */
function prefixSeek(test: ValueTest): SqlFragment {
  const seekable = test.operator === 'ILIKE' ? 'lower(a.value)' : test.operator === 'RLIKE' ? 'a.value' : undefined;
  if (seekable === undefined) return fragment('');
  const range = prefixRange(test.operator === 'ILIKE' ? asciiLowerCase(test.literalPrefix) : test.literalPrefix);
  if (range === undefined) return fragment('');
  if (range.upper === undefined) return fragment(`${seekable} >= ? AND `, [range.lower]);
  return fragment(`${seekable} >= ? AND ${seekable} < ? AND `, [range.lower, range.upper]);
}

/**
 * `feedback.<name>` / `expectation.<name>`: a valid assessment of that name whose value, as text
 * (a string as it is, anything else as JSON: `0.3`, `true`), passes the test.
 */
function assessmentField(kind: 'feedback' | 'expectation', name: string): FilterField {
  return {
    label: `${kind} '${name}'`,
    type: 'string',
    operators: traceOperators.assessment,
    where: (test) => {
      const value = test.on('a.value_text');
      return fragment(
        `EXISTS (SELECT 1 FROM assessments AS a WHERE a.trace_id = traces.trace_id AND a.kind = ? AND a.name = ? AND a.valid = 1 AND ${value.sql})`,
        [kind, name, ...value.params],
      );
    },
  };
}

/** The traces' filter fields; span attribute filters pick their plan by counting matches with `countRows` (none: validation only). */
const traceCatalog = (countRows: CountReader | undefined): FilterCatalog => ({
  subject: 'traces',
  attributes: traceAttributes,
  attributeNames: ['request_id', 'timestamp_ms', 'execution_time_ms', 'end_time_ms', 'status', 'name', 'run_id', 'client_request_id', 'text'],
  keyed: {
    tag: (key) => withOperators(keyValueField(`tag '${key}'`, 'trace_tags', 'k.trace_id = traces.trace_id', key), traceOperators.tag),
    metadata: (key) => withOperators(keyValueField(`request_metadata '${key}'`, 'trace_metadata', 'k.trace_id = traces.trace_id', key), traceOperators.tag),
    span: (key) => spanField(key, countRows),
    feedback: (key) => assessmentField('feedback', key),
    expectation: (key) => assessmentField('expectation', key),
  },
  // Each field carries MLflow 3.6's operators for it (traceOperators.ts): RLIKE on most strings.
  extraPrefixes: {
    trace: 'attribute',
    request_metadata: 'metadata',
    metadata: 'metadata',
    span: 'span',
    spans: 'span',
    feedback: 'feedback',
    expectation: 'expectation',
  },
});

const requestTimeOrder: OrderableAttribute = { id: 'timestamp_ms', column: 'traces.request_time' };
const executionOrder: OrderableAttribute = { id: 'execution_time_ms', column: 'traces.execution_ms' };
const stateOrder: OrderableAttribute = { id: 'status', column: 'traces.state' };
const idOrder: OrderableAttribute = { id: 'request_id', column: 'traces.trace_id' };
const orderableAttributes: Readonly<Record<string, OrderableAttribute>> = {
  timestamp: requestTimeOrder,
  timestamp_ms: requestTimeOrder,
  execution_time: executionOrder,
  execution_time_ms: executionOrder,
  status: stateOrder,
  state: stateOrder,
  request_id: idOrder,
  trace_id: idOrder,
  experiment_id: { id: 'experiment_id', column: 'traces.experiment_id' },
};

const traceSearchEntity = (countRows: CountReader | undefined): SearchEntity<TraceSearchRequest> => ({
  table: 'traces',
  // The rowid addresses the trace's content signature (core/traces/contentSignatures.ts), which a
  // span content search reads for each candidate; every index holds it, so no plan changes.
  keyColumns: 'traces.trace_id, traces.rowid',
  limits: traceSearchLimits,
  fieldExample,
  catalog: traceCatalog(countRows),
  scope: (request) => [experimentCondition('traces.experiment_id', request.experimentIds, 'locations')],
  // No default clauses: the tie-breakers below are the default order ('timestamp_ms DESC' completes faults' "such as").
  order: orderByClauses({ fieldExample: 'timestamp_ms DESC', term: attributeOrder(orderableAttributes), refuseDuplicates: false }),
  // A trace id is never NULL (every write checks it), so its tie-breaker needs no NULLS LAST, which
  // made SQLite sort each batch in a temporary B-tree instead of reading traces_by_experiment in
  // order (2.8 ms a batch of 2,000 rather than 0.9: a content search walks 50 of them).
  tieBreakers: [columnTerm('timestamp_ms', 'traces.request_time', false), { id: 'request_id', joins: [], keys: [fragment('traces.trace_id ASC')] }],
  // MLflow's server hands out a token whenever a page is full, even when nothing follows.
  tokenWhenFull: true,
});

/**
 * Compiles a trace search to one parameterized statement selecting `trace_id, rowid` from `traces`, in
 * order (newest first by default, then by id, as MLflow's tie-breakers), one page plus one row.
 * Throws a 400 MlflowError on a bad filter, order or page token. `countRows` reads the database the
 * statement will run on (span attribute filters count their matches to choose their plan).
 */
export function compileTraceSearch(request: TraceSearchRequest, countRows: CountReader): CompiledTraceSearch {
  const entity = traceSearchEntity(countRows);
  const query = compileSearch(entity, request);
  const contentTests = spanContentTests(request.filter);
  if (contentTests.length === 0 || (request.orderBy !== undefined && request.orderBy.length > 0)) return { query, contentTests };
  // Newest first (then by id): the walk resumes after its last candidate by that key, not by an
  // OFFSET that rereads every row before it (112 ms at 98,000 traces, a stall of the loop).
  const candidatesAfter = (cursor: TraceCursor): SqlFragment => {
    const after = fragment('traces.request_time <= ? AND (traces.request_time < ? OR traces.trace_id > ?)', [cursor.requestTime, cursor.requestTime, cursor.traceId]);
    const walk: SearchEntity<TraceSearchRequest> = { ...entity, scope: (scoped) => [...entity.scope!(scoped), after] };
    return compileSearch(walk, { ...request, pageToken: undefined }).select;
  };
  return { query, contentTests, candidatesAfter };
}

/** A trace search: its SQL, and the span content tests its executor applies to the rows SQL selects. */
export interface CompiledTraceSearch {
  readonly query: SearchQuery;
  /** Empty unless the filter has `span.content` or `text`: then `query`'s rows are candidates, not results. */
  readonly contentTests: readonly SpanContentTest[];
  /** With contentTests and the default order: the candidates after `cursor`, in order (no page). */
  readonly candidatesAfter?: (cursor: TraceCursor) => SqlFragment;
}

/** Where a walk over traces in the default order (newest first, then by id) stands. */
export interface TraceCursor {
  readonly requestTime: number;
  readonly traceId: string;
}

/** Why a trace filter cannot be used, or undefined when it can: for prompts that check as the person types. */
export function traceFilterProblem(filter: string): string | undefined {
  try {
    compileSearch(traceSearchEntity(undefined), { experimentIds: [], filter });
    spanContentTests(filter);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
