import type { OrderableAttribute } from './attributeOrder';
import { compileSearch } from './compileSearch';
import { columnField, keyValueField, type FilterCatalog } from './filterFields';
import { columnTerm } from './orderTerms';
import type { SearchQuery } from './paging';
import { attributeOrder, orderByClauses, type SearchEntity } from './searchEntity';
import { fragment, placeholders } from './sqlFragment';

/** `datasets/search` (MLflow 3's evaluation datasets) as the REST API carries it (field names in camelCase). */
export interface DatasetSearchRequest {
  /** Datasets linked to any of these experiments; all datasets when empty. */
  readonly experimentIds: readonly string[];
  /** On name, created_time, last_update_time, created_by, last_updated_by and tags. */
  readonly filter?: string;
  /** `created_time DESC` when absent; then dataset_id, for a stable order across pages. */
  readonly orderBy?: readonly string[];
  /** 1 to 50,000; 1,000 when absent. */
  readonly maxResults?: number | string;
  readonly pageToken?: string;
}

const fieldExample = 'name, created_time or tags.stage';

const datasetFilterCatalog: FilterCatalog = {
  subject: 'datasets',
  attributes: {
    name: columnField("attribute 'name'", 'string', 'evaluation_datasets.name'),
    created_time: columnField("attribute 'created_time'", 'number', 'evaluation_datasets.created_time'),
    last_update_time: columnField("attribute 'last_update_time'", 'number', 'evaluation_datasets.last_update_time'),
    created_by: columnField("attribute 'created_by'", 'string', 'evaluation_datasets.created_by'),
    last_updated_by: columnField("attribute 'last_updated_by'", 'string', 'evaluation_datasets.last_updated_by'),
  },
  attributeNames: ['name', 'created_time', 'last_update_time', 'created_by', 'last_updated_by'],
  keyed: {
    tag: (key) => keyValueField(`tag '${key}'`, 'evaluation_dataset_tags', 'k.dataset_id = evaluation_datasets.dataset_id', key),
  },
};

const orderableAttributes: Readonly<Record<string, OrderableAttribute>> = {
  name: { id: 'name', column: 'evaluation_datasets.name' },
  created_time: { id: 'created_time', column: 'evaluation_datasets.created_time' },
  last_update_time: { id: 'last_update_time', column: 'evaluation_datasets.last_update_time' },
  dataset_id: { id: 'dataset_id', column: 'evaluation_datasets.dataset_id' },
};

const datasetSearchEntity: SearchEntity<DatasetSearchRequest> = {
  table: 'evaluation_datasets',
  keyColumns: 'evaluation_datasets.dataset_id',
  limits: { defaultValue: 1000, max: 50000, maxCheckedBy: 'store' },
  fieldExample,
  catalog: datasetFilterCatalog,
  scope: (request) => {
    if (request.experimentIds.length === 0) return [];
    // Experiment ids are numbers in the store: an id that is not one links no dataset.
    const ids = request.experimentIds.filter((id) => /^\d+$/.test(id)).map(Number);
    const linked = placeholders(ids.length > 0 ? ids : [-1]);
    return [
      fragment(`evaluation_datasets.dataset_id IN (SELECT dataset_id FROM evaluation_dataset_experiments WHERE experiment_id IN (${linked.sql}))`, linked.params),
    ];
  },
  order: orderByClauses({ fieldExample, defaults: ['created_time DESC'], term: attributeOrder(orderableAttributes), refuseDuplicates: false }),
  tieBreakers: [columnTerm('dataset_id', 'evaluation_datasets.dataset_id', true)],
};

/**
 * Compiles an evaluation dataset search to one parameterized statement selecting `dataset_id`
 * from `evaluation_datasets`, in order, one page plus one row. Throws a 400 MlflowError on bad
 * input, in MLflow's order: max_results, then the page token, then the filter, then order_by.
 */
export function compileDatasetSearch(request: DatasetSearchRequest): SearchQuery {
  return compileSearch(datasetSearchEntity, request);
}
