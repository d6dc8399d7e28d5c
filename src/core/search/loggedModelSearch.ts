import { modelMetricPoints } from '../store/tracking/modelMetricWrites';
import { pythonJson } from '../pythonJson';
import { invalidParameter } from '../errors';
import { attributeOrderTerm, type OrderableAttribute } from './attributeOrder';
import { compileSearch } from './compileSearch';
import { experimentCondition } from './experimentIds';
import { comparisonsOf } from './filterAst';
import { FaultReporter } from './filterError';
import { columnField, entityKindOf, keyValueField, own, type FilterCatalog, type FilterField } from './filterFields';
import { parseOrderByClause } from './orderByParser';
import { columnTerm, nullsLast, type OrderTerm } from './orderTerms';
import { decodeTokenJson, isAbsent, type SearchQuery } from './paging';
import type { SearchEntity } from './searchEntity';
import { fragment, joinFragments, type SqlFragment } from './sqlFragment';

/** `{dataset_name, dataset_digest?}` of `logged-models/search`: metrics count only when computed on one of these. */
export interface LoggedModelDatasetFilter {
  readonly dataset_name: string;
  readonly dataset_digest?: string;
}

/** An order_by entry of `logged-models/search`, as MLflow's proto has it. */
export interface LoggedModelOrderBy {
  /** An attribute (`name`, `creation_timestamp`, ...) or `metrics.<key>`, unquoted. */
  readonly field_name: string;
  readonly ascending?: boolean;
  readonly dataset_name?: string;
  readonly dataset_digest?: string;
}

/** `logged-models/search` as the REST API carries it (top-level names in camelCase, entries as on the wire). */
export interface LoggedModelSearchRequest {
  readonly experimentIds: readonly string[];
  /** On name, model_id, model_type, status, source_run_id, creation_timestamp, last_updated_timestamp, metrics, params, tags. */
  readonly filter?: string;
  readonly datasets?: readonly LoggedModelDatasetFilter[];
  /** Proto entries, or clauses such as `metrics.accuracy DESC`. */
  readonly orderBy?: readonly (LoggedModelOrderBy | string)[];
  /** 1 to 50,000; 100 when absent. */
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

const fieldExample = 'name, status, metrics.accuracy or params.alpha';

const creationTime = columnField("attribute 'creation_timestamp'", 'number', 'logged_models.creation_timestamp_ms');
const lastUpdatedTime = columnField("attribute 'last_updated_timestamp'", 'number', 'logged_models.last_updated_timestamp_ms');
const loggedModelAttributes: Readonly<Record<string, FilterField>> = {
  name: columnField("attribute 'name'", 'string', 'logged_models.name'),
  model_id: columnField("attribute 'model_id'", 'string', 'logged_models.model_id'),
  model_type: columnField("attribute 'model_type'", 'string', 'logged_models.model_type'),
  status: columnField("attribute 'status'", 'string', 'logged_models.status'),
  source_run_id: columnField("attribute 'source_run_id'", 'string', 'logged_models.source_run_id'),
  creation_timestamp: creationTime,
  creation_time: creationTime,
  last_updated_timestamp: lastUpdatedTime,
  last_updated_time: lastUpdatedTime,
};

const creationOrder: OrderableAttribute = { id: 'creation_timestamp', column: 'logged_models.creation_timestamp_ms' };
const lastUpdatedOrder: OrderableAttribute = { id: 'last_updated_timestamp', column: 'logged_models.last_updated_timestamp_ms' };
const orderableAttributes: Readonly<Record<string, OrderableAttribute>> = {
  name: { id: 'name', column: 'logged_models.name' },
  model_id: { id: 'model_id', column: 'logged_models.model_id' },
  model_type: { id: 'model_type', column: 'logged_models.model_type' },
  status: { id: 'status', column: 'logged_models.status' },
  source_run_id: { id: 'source_run_id', column: 'logged_models.source_run_id' },
  creation_timestamp: creationOrder,
  creation_time: creationOrder,
  last_updated_timestamp: lastUpdatedOrder,
  last_updated_time: lastUpdatedOrder,
};

const loggedModelSearchEntity: SearchEntity<LoggedModelSearchRequest> = {
  table: 'logged_models',
  keyColumns: 'logged_models.model_id',
  limits: { defaultValue: 100, max: 50000, maxCheckedBy: 'store' },
  fieldExample,
  catalog: (request) => loggedModelCatalog(checkDatasets(request.datasets)),
  pageToken: { decode: decodeLoggedModelToken, encode: encodeLoggedModelToken },
  scope: (request) => [
    experimentCondition('logged_models.experiment_id', request.experimentIds, 'experiment_ids'),
    fragment('logged_models.lifecycle_stage != ?', ['deleted']),
  ],
  beyondFilter: (request, filter, catalog) => {
    const datasets = checkDatasets(request.datasets);
    const faults = new FaultReporter(request.filter ?? '', 'filter');
    const comparesMetrics =
      filter !== undefined && comparisonsOf(filter.expression).some((comparison) => entityKindOf(catalog, comparison.field, faults) === 'metric');
    if (datasets.length === 0 || comparesMetrics) return [];
    // Without a metric comparison, `datasets` still keeps only models with metrics on those datasets.
    const onDatasets = datasetCondition(datasets);
    return [fragment(`EXISTS (SELECT 1 FROM ${modelMetricPoints} AS k WHERE k.model_id = logged_models.model_id AND ${onDatasets.sql})`, onDatasets.params)];
  },
  order: (request, catalog) => {
    const entries = request.orderBy ?? [];
    if (!Array.isArray(entries)) throw invalidParameter('`order_by` must be a list of dictionaries.');
    return entries.map((entry, index) => loggedModelOrderTerm(entry, index, catalog));
  },
  tieBreakers: [columnTerm('creation_timestamp', 'logged_models.creation_timestamp_ms', false), columnTerm('model_id', 'logged_models.model_id', true)],
};

/**
 * Compiles a logged model search to one parameterized statement selecting `model_id` from
 * `logged_models`, in order, one page plus one row; deleted models never appear. A metric
 * comparison matches when any point of that metric logged for the model passes (as MLflow), on
 * the given datasets when `datasets` is set. The page token also carries the request, and a token
 * from another search is refused, as MLflow does. Throws a 400 MlflowError on bad input.
 */
export function compileLoggedModelSearch(request: LoggedModelSearchRequest): SearchQuery {
  return compileSearch(loggedModelSearchEntity, request);
}

function loggedModelCatalog(datasets: readonly LoggedModelDatasetFilter[]): FilterCatalog {
  return {
    subject: 'logged models',
    attributes: loggedModelAttributes,
    attributeNames: ['name', 'model_id', 'model_type', 'status', 'source_run_id', 'creation_timestamp', 'last_updated_timestamp'],
    keyed: {
      metric: (key) => modelMetricField(key, datasets),
      param: (key) => keyValueField(`param '${key}'`, 'logged_model_params', 'k.model_id = logged_models.model_id', key),
      tag: (key) => keyValueField(`tag '${key}'`, 'logged_model_tags', 'k.model_id = logged_models.model_id', key),
    },
  };
}

function modelMetricField(key: string, datasets: readonly LoggedModelDatasetFilter[]): FilterField {
  return {
    label: `metric '${key}'`,
    type: 'number',
    where: (test) => {
      const value = test.on('k.value');
      // NaN is a NULL value with is_nan = 1; as for runs, it only differs from every number.
      const parts = [
        fragment(`EXISTS (SELECT 1 FROM ${modelMetricPoints} AS k WHERE k.model_id = logged_models.model_id AND k.key = ? AND`, [key]),
        test.operator === '!=' ? fragment(`(k.is_nan = 1 OR ${value.sql})`, value.params) : value,
      ];
      if (datasets.length > 0) parts.push(fragment('AND'), datasetCondition(datasets));
      const joined = joinFragments(parts, ' ');
      return fragment(`${joined.sql})`, joined.params);
    },
  };
}

/** `(k.dataset_name = ? [AND k.dataset_digest = ?]) OR ...` over metrics aliased `k`. */
function datasetCondition(datasets: readonly LoggedModelDatasetFilter[]): SqlFragment {
  const each = datasets.map((dataset) =>
    dataset.dataset_digest === undefined
      ? fragment('k.dataset_name = ?', [dataset.dataset_name])
      : fragment('(k.dataset_name = ? AND k.dataset_digest = ?)', [dataset.dataset_name, dataset.dataset_digest]),
  );
  const joined = joinFragments(each, ' OR ');
  return fragment(`(${joined.sql})`, joined.params);
}

function checkDatasets(datasets: readonly LoggedModelDatasetFilter[] | undefined): readonly LoggedModelDatasetFilter[] {
  if (isAbsent(datasets)) return [];
  const valid =
    Array.isArray(datasets) &&
    datasets.every(
      (dataset) =>
        typeof dataset === 'object' &&
        dataset !== null &&
        (dataset.dataset_digest === undefined || typeof dataset.dataset_digest === 'string'),
    );
  if (!valid) throw invalidParameter("Invalid value for parameter 'datasets': expected a list of {dataset_name, dataset_digest}");
  if (!datasets.every((dataset) => typeof dataset.dataset_name === 'string' && dataset.dataset_name !== '')) {
    throw invalidParameter('`dataset_name` in the `datasets` clause must be specified.');
  }
  return datasets;
}

function loggedModelOrderTerm(entry: LoggedModelOrderBy | string, index: number, catalog: FilterCatalog): OrderTerm {
  if (typeof entry === 'string') {
    const clause = parseOrderByClause(entry, fieldExample);
    const faults = new FaultReporter(clause.text, 'order_by clause');
    if (entityKindOf(catalog, clause.field, faults) === 'metric') return metricOrderTerm(clause.field.key, clause.ascending, undefined, index);
    return attributeOrderTerm(clause, orderableAttributes, catalog, faults);
  }
  const { field_name: fieldName, ascending = true, dataset_name: datasetName, dataset_digest: datasetDigest } = checkOrderByEntry(entry);
  const dot = fieldName.indexOf('.');
  if (dot >= 0) {
    const entity = fieldName.slice(0, dot);
    if (entity !== 'metrics') throw invalidParameter(`Invalid order by field name: ${entity}, only \`metrics.<name>\` is allowed.`);
    const dataset = datasetName === undefined ? undefined : { dataset_name: datasetName, dataset_digest: datasetDigest };
    return metricOrderTerm(fieldName.slice(dot + 1), ascending, dataset, index);
  }
  const found = own(orderableAttributes, fieldName.trim());
  if (found === undefined) throw invalidParameter(`Invalid order by field name: ${fieldName}.`);
  return columnTerm(found.id, found.column, ascending);
}

function checkOrderByEntry(entry: LoggedModelOrderBy): LoggedModelOrderBy {
  if (typeof entry !== 'object' || entry === null) throw invalidParameter('`order_by` must be a list of dictionaries.');
  if (typeof entry.field_name !== 'string') throw invalidParameter('`field_name` in the `order_by` clause must be specified.');
  if (entry.ascending !== undefined && typeof entry.ascending !== 'boolean') {
    throw invalidParameter(`Value of \`ascending\` in the \`order_by\` clause must be a boolean, got ${typeof entry.ascending} for field ${entry.field_name}.`);
  }
  for (const name of ['dataset_name', 'dataset_digest'] as const) {
    if (entry[name] !== undefined && typeof entry[name] !== 'string') throw invalidParameter(`\`${name}\` in the \`order_by\` clause must be a string.`);
  }
  if (entry.dataset_digest !== undefined && entry.dataset_name === undefined) {
    throw invalidParameter('`dataset_digest` can only be specified if `dataset_name` is also specified.');
  }
  return entry;
}

/** Orders by the metric's latest point (by timestamp, then step) logged for the model; models without it last. */
function metricOrderTerm(key: string, ascending: boolean, dataset: LoggedModelDatasetFilter | undefined, index: number): OrderTerm {
  const params: string[] = [key];
  let where = 'k.model_id = logged_models.model_id AND k.key = ?';
  if (dataset !== undefined) {
    where += ' AND k.dataset_name = ?';
    params.push(dataset.dataset_name);
    if (dataset.dataset_digest !== undefined) {
      where += ' AND k.dataset_digest = ?';
      params.push(dataset.dataset_digest);
    }
  }
  const latest = `(SELECT k.value FROM ${modelMetricPoints} AS k WHERE ${where} ORDER BY k.timestamp DESC, k.step DESC LIMIT 1)`;
  return { id: `metric:${index}`, joins: [], keys: [fragment(nullsLast(latest, ascending).sql, params)] };
}

/** The request fields a logged model page token is bound to, as MLflow's SearchLoggedModelsPaginationToken. */
function tokenScope(request: LoggedModelSearchRequest): { experiment_ids: unknown; filter_string: unknown; order_by: unknown } {
  return {
    experiment_ids: request.experimentIds,
    filter_string: request.filter || null,
    order_by: Array.isArray(request.orderBy) && request.orderBy.length > 0 ? request.orderBy : null,
  };
}

function encodeLoggedModelToken(request: LoggedModelSearchRequest, offset: number): string {
  // Spaced as Python's json.dumps writes it, so the token reads as a real server's does.
  return Buffer.from(pythonJson({ ...tokenScope(request), offset }), 'utf8').toString('base64');
}

function decodeLoggedModelToken(request: LoggedModelSearchRequest): number {
  const token = request.pageToken;
  if (isAbsent(token)) return 0;
  const decoded = decodeTokenJson(token);
  const scope = tokenScope(request);
  for (const name of ['experiment_ids', 'filter_string', 'order_by'] as const) {
    if (JSON.stringify(decoded[name] ?? null) !== JSON.stringify(scope[name])) {
      throw invalidParameter(`Invalid page token: its ${name} do not match this request's; a page token continues the search that returned it.`);
    }
  }
  const offset = decoded['offset'] ?? 0;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token '${token}': it holds no valid offset.`);
  }
  return offset;
}
