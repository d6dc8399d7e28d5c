import { viewTypes } from '../../../core/entities';
import { notFound } from '../../../core/errors';
import type { Route } from '../../route';
import { RequestFields } from './requestFields';
import { pageReply } from '../pageReply';

const base = '/api/2.0/mlflow/experiments';

export const experimentRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${base}/create`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const experimentId = context.store.createExperiment({
        name: fields.string('name'),
        artifactLocation: fields.optionalString('artifact_location'),
        tags: fields.keyValues('tags'),
      });
      return { experiment_id: experimentId };
    },
  },
  {
    method: 'GET',
    path: `${base}/get`,
    handler: (context) => ({
      experiment: context.store.getExperiment(RequestFields.of(context, 'GET').string('experiment_id')),
    }),
  },
  {
    method: 'GET',
    path: `${base}/get-by-name`,
    handler: (context) => {
      const name = RequestFields.of(context, 'GET').string('experiment_name');
      const experiment = context.store.getExperimentByName(name);
      if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
      return { experiment };
    },
  },
  { method: 'POST', path: `${base}/search`, handler: (context) => search(RequestFields.of(context, 'BODY'), context) },
  { method: 'GET', path: `${base}/search`, handler: (context) => search(RequestFields.of(context, 'GET'), context) },
  {
    method: 'POST',
    path: `${base}/update`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.store.renameExperiment(fields.string('experiment_id'), fields.string('new_name'));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/delete`,
    handler: (context) => {
      context.store.deleteExperiment(RequestFields.of(context, 'BODY').string('experiment_id'));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/restore`,
    handler: (context) => {
      context.store.restoreExperiment(RequestFields.of(context, 'BODY').string('experiment_id'));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/set-experiment-tag`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.store.setExperimentTag(fields.string('experiment_id'), fields.string('key'), fields.optionalString('value') ?? '');
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/delete-experiment-tag`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.store.deleteExperimentTag(fields.string('experiment_id'), fields.string('key'));
      return {};
    },
  },
];

function search(fields: RequestFields, context: Parameters<Route['handler']>[0]): unknown {
  const page = context.store.searchExperiments({
    viewType: fields.enumValue('view_type', viewTypes, 1),
    maxResults: fields.optionalInt('max_results'),
    filter: fields.optionalString('filter'),
    orderBy: fields.strings('order_by'),
    pageToken: fields.optionalString('page_token'),
  });
  return pageReply('experiments', page.experiments, page.nextPageToken);
}
