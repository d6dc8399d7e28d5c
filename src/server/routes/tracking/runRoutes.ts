import { runStatuses, viewTypes } from '../../../core/entities';
import type { MetricInput } from '../../../core/store/tracking/metricWrites';
import type { Route } from '../../route';
import { RequestFields } from './requestFields';
import { pageReply } from '../pageReply';

const base = '/api/2.0/mlflow/runs';

export const runRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${base}/create`,
    handler: async (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const input = {
        experimentId: fields.optionalString('experiment_id'),
        userId: fields.optionalString('user_id'),
        startTime: fields.optionalInt('start_time'),
        tags: fields.keyValues('tags'),
        runName: fields.optionalString('run_name'),
      };
      // A process RunLens launched gets runs that carry what was captured at its launch.
      const run =
        context.launchId !== undefined && context.launches
          ? await context.launches.createRun(context.launchId, input)
          : context.store.createRun(input);
      // A new run has no outputs yet; MLflow's reply leaves the field out.
      return { run: { info: run.info, data: run.data, inputs: run.inputs } };
    },
  },
  {
    method: 'GET',
    path: `${base}/get`,
    handler: (context) => ({ run: context.store.getRun(RequestFields.of(context, 'GET').runId()) }),
  },
  {
    method: 'POST',
    path: `${base}/update`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const runInfo = context.store.updateRun(fields.runId(), {
        status: fields.enumValue('status', runStatuses, 1),
        endTime: fields.optionalInt('end_time'),
        runName: fields.optionalString('run_name'),
      });
      return { run_info: runInfo };
    },
  },
  {
    method: 'POST',
    path: `${base}/delete`,
    handler: (context) => {
      context.store.deleteRun(RequestFields.of(context, 'BODY').runId());
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/restore`,
    handler: (context) => {
      context.store.restoreRun(RequestFields.of(context, 'BODY').runId());
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/search`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const page = context.store.searchRuns({
        experimentIds: fields.strings('experiment_ids'),
        filter: fields.optionalString('filter'),
        runViewType: fields.enumValue('run_view_type', viewTypes, 1),
        maxResults: fields.optionalMaxResults(),
        orderBy: fields.strings('order_by'),
        pageToken: fields.optionalString('page_token'),
      });
      return pageReply('runs', page.runs, page.nextPageToken);
    },
  },
  {
    method: 'POST',
    path: `${base}/log-metric`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const runId = fields.runId();
      context.store.logMetric(runId, metricOf(fields, ''));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/log-parameter`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.store.logParam(fields.runId(), fields.string('key'), fields.optionalString('value') ?? '');
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/log-batch`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const runId = fields.runId();
      context.store.logBatch(runId, {
        metrics: fields.objects('metrics').map((metric, index) => metricOf(metric, `metrics[${index}]`)),
        params: fields.keyValues('params'),
        tags: fields.keyValues('tags'),
      });
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/set-tag`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.store.setTag(fields.runId(), fields.string('key'), fields.optionalString('value') ?? '');
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/delete-tag`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.store.deleteTag(fields.runId(), fields.string('key'));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/log-inputs`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const runId = fields.runId();
      const datasets = fields.objects('datasets').map((input, index) => {
        const path = `datasets[${index}]`;
        const dataset = input.object('dataset', `${path}.dataset`);
        return {
          tags: input.keyValues('tags', `${path}.tags`),
          dataset: {
            name: dataset.string('name', `${path}.dataset.name`),
            digest: dataset.string('digest', `${path}.dataset.digest`),
            source_type: dataset.optionalString('source_type', `${path}.dataset.source_type`) ?? '',
            source: dataset.optionalString('source', `${path}.dataset.source`) ?? '',
            schema: dataset.optionalString('schema', `${path}.dataset.schema`),
            profile: dataset.optionalString('profile', `${path}.dataset.profile`),
          },
        };
      });
      const modelIds = fields.objects('models').map((model, index) => model.string('model_id', `models[${index}].model_id`));
      context.store.logInputs(runId, datasets, modelIds);
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/outputs`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const runId = fields.runId();
      const models = fields.objects('models', 'models', true).map((model, index) => ({
        modelId: model.string('model_id', `models[${index}].model_id`),
        step: model.optionalInt('step', `models[${index}].step`) ?? 0,
      }));
      context.store.logOutputs(runId, models);
      return {};
    },
  },
];

/** A metric of log-metric (path '') or of log-batch (`metrics[i]`). */
function metricOf(fields: RequestFields, path: string): MetricInput {
  const at = (name: string): string => (path ? `${path}.${name}` : name);
  return {
    key: fields.string('key', at('key')),
    value: fields.double('value', at('value')),
    timestamp: fields.int('timestamp', at('timestamp')),
    step: fields.optionalInt('step', at('step')) ?? 0,
    modelId: fields.optionalString('model_id', at('model_id')) || undefined,
    datasetName: fields.optionalString('dataset_name', at('dataset_name')) || undefined,
    datasetDigest: fields.optionalString('dataset_digest', at('dataset_digest')) || undefined,
  };
}
