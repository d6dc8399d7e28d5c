import { loggedModelStatuses } from '../../../core/entities';
import type { Route } from '../../route';
import { RequestFields } from './requestFields';
import { pageReply } from '../pageReply';

const base = '/api/2.0/mlflow/logged-models';

export const loggedModelRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: base,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const model = context.store.createLoggedModel({
        experimentId: fields.string('experiment_id'),
        name: fields.optionalString('name') || undefined,
        modelType: fields.optionalString('model_type'),
        sourceRunId: fields.optionalString('source_run_id'),
        params: fields.keyValues('params'),
        tags: fields.keyValues('tags'),
      });
      return { model };
    },
  },
  {
    method: 'POST',
    path: `${base}/search`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const page = context.store.searchLoggedModels({
        experimentIds: fields.strings('experiment_ids', 'experiment_ids', true),
        filter: fields.optionalString('filter') || undefined,
        datasets: fields.objects('datasets').map((dataset, index) => ({
          dataset_name: dataset.string('dataset_name', `datasets[${index}].dataset_name`),
          dataset_digest: dataset.optionalString('dataset_digest', `datasets[${index}].dataset_digest`) || undefined,
        })),
        maxResults: fields.optionalInt('max_results') || undefined,
        orderBy: fields.objects('order_by').map((order, index) => ({
          field_name: order.string('field_name', `order_by[${index}].field_name`),
          ascending: order.optionalBoolean('ascending', `order_by[${index}].ascending`) ?? true,
          dataset_name: order.optionalString('dataset_name', `order_by[${index}].dataset_name`) || undefined,
          dataset_digest: order.optionalString('dataset_digest', `order_by[${index}].dataset_digest`) || undefined,
        })),
        pageToken: fields.optionalString('page_token') || undefined,
      });
      return pageReply('models', page.models, page.nextPageToken);
    },
  },
  {
    method: 'GET',
    path: `${base}/:modelId`,
    handler: (context) => ({ model: context.store.getLoggedModel(context.pathParams.modelId) }),
  },
  {
    method: 'PATCH',
    path: `${base}/:modelId`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const status = fields.requiredEnum('status', loggedModelStatuses);
      const model = context.store.finalizeLoggedModel(context.pathParams.modelId, status);
      return { model };
    },
  },
  {
    method: 'DELETE',
    path: `${base}/:modelId`,
    handler: (context) => {
      context.store.deleteLoggedModel(context.pathParams.modelId);
      return {};
    },
  },
  {
    method: 'PATCH',
    path: `${base}/:modelId/tags`,
    handler: (context) => {
      context.store.setLoggedModelTags(context.pathParams.modelId, RequestFields.of(context, 'BODY').keyValues('tags'));
      return {};
    },
  },
  {
    method: 'DELETE',
    path: `${base}/:modelId/tags/:tagKey`,
    handler: (context) => {
      context.store.deleteLoggedModelTag(context.pathParams.modelId, context.pathParams.tagKey);
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/:modelId/params`,
    handler: (context) => {
      context.store.logLoggedModelParams(context.pathParams.modelId, RequestFields.of(context, 'BODY').keyValues('params'));
      return {};
    },
  },
];
