import { invalidParameter } from '../../../core/errors';
import { EvaluationDatasets } from '../../../core/store/genai/evaluationDatasets';
import type { RequestContext, Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';
import { pageReply } from '../pageReply';

const base = '/api/3.0/mlflow/datasets';
/** GetDatasetRecords' page size when the request has none. */
const defaultRecordPage = 1000;

const datasets = (context: RequestContext) => new EvaluationDatasets(context.store.db);

/** MLflow 3's evaluation-dataset endpoints (service.proto, DatasetsService), as the genai client calls them. */
export const datasetRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${base}/create`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const dataset = datasets(context).create({
        name: fields.string('name'),
        experimentIds: fields.strings('experiment_ids'),
        tags: tagsOf(fields.optionalString('tags')) as Record<string, string>,
      });
      return { dataset };
    },
  },
  {
    method: 'POST',
    path: `${base}/search`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const page = datasets(context).search({
        experimentIds: fields.strings('experiment_ids'),
        filter: fields.optionalString('filter_string'),
        orderBy: fields.strings('order_by'),
        maxResults: fields.optionalInt('max_results'),
        pageToken: fields.optionalString('page_token'),
      });
      return pageReply('datasets', page.datasets, page.nextPageToken);
    },
  },
  { method: 'GET', path: `${base}/:datasetId`, handler: (context) => ({ dataset: datasets(context).get(context.pathParams.datasetId) }) },
  {
    method: 'DELETE',
    path: `${base}/:datasetId`,
    handler: (context) => {
      datasets(context).delete(context.pathParams.datasetId);
      return {};
    },
  },
  {
    method: 'PATCH',
    path: `${base}/:datasetId/tags`,
    handler: (context) => {
      datasets(context).setTags(context.pathParams.datasetId, tagsOf(RequestFields.of(context, 'BODY').string('tags')));
      return {};
    },
  },
  {
    method: 'DELETE',
    path: `${base}/:datasetId/tags/:key`,
    handler: (context) => {
      datasets(context).deleteTag(context.pathParams.datasetId, context.pathParams.key);
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/:datasetId/records`,
    handler: (context) => datasets(context).upsertRecords(context.pathParams.datasetId, RequestFields.of(context, 'BODY').string('records')),
  },
  {
    method: 'GET',
    path: `${base}/:datasetId/records`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      const maxResults = fields.optionalInt('max_results') ?? defaultRecordPage;
      if (maxResults < 1) throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
      return datasets(context).records(context.pathParams.datasetId, maxResults, fields.optionalString('page_token') || undefined);
    },
  },
  {
    method: 'GET',
    path: `${base}/:datasetId/experiment-ids`,
    handler: (context) => {
      const ids = datasets(context).experimentIds(context.pathParams.datasetId);
      return ids.length > 0 ? { experiment_ids: ids } : {};
    },
  },
  {
    method: 'POST',
    path: `${base}/:datasetId/add-experiments`,
    handler: (context) => ({
      dataset: datasets(context).addExperiments(context.pathParams.datasetId, RequestFields.of(context, 'BODY').strings('experiment_ids', 'experiment_ids', true)),
    }),
  },
  {
    method: 'POST',
    path: `${base}/:datasetId/remove-experiments`,
    handler: (context) => ({
      dataset: datasets(context).removeExperiments(
        context.pathParams.datasetId,
        RequestFields.of(context, 'BODY').strings('experiment_ids', 'experiment_ids', true),
      ),
    }),
  },
];

/** Dataset tags travel as a JSON object in a string; a null value (set-tags only) removes the tag. */
function tagsOf(text: string | undefined): Record<string, string | null> {
  if (text === undefined || text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameter("Invalid value for parameter 'tags': it must be a JSON object of strings.");
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidParameter("Invalid value for parameter 'tags': it must be a JSON object of strings.");
  }
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).map(([key, value]) => [key, value === null || typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}
