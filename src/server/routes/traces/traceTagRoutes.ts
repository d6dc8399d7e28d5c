import type { Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';

const v2 = '/api/2.0/mlflow/traces';

/** Trace tags, links to runs and deletion: the `/api/2.0` routes MLflow 3's client calls for them. */
export const traceTagRoutes: readonly Route[] = [
  {
    method: 'PATCH',
    path: `${v2}/:traceId/tags`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.traces.setTag(context.pathParams.traceId, fields.string('key'), fields.optionalString('value') ?? '');
      return {};
    },
  },
  {
    // The key travels in a DELETE body, as MLflow's client sends it (or in the query).
    method: 'DELETE',
    path: `${v2}/:traceId/tags`,
    handler: (context) => {
      const fromBody = RequestFields.of(context, 'BODY').optionalString('key');
      const key = fromBody ?? RequestFields.of(context, 'GET').string('key');
      context.traces.deleteTag(context.pathParams.traceId, key);
      return {};
    },
  },
  {
    method: 'POST',
    path: `${v2}/link-to-run`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.traces.linkToRun(fields.strings('trace_ids', 'trace_ids', true), fields.string('run_id'));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${v2}/delete-traces`,
    handler: async (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const deleted = await context.traces.deleteTraces({
        experimentId: fields.string('experiment_id'),
        maxTimestampMs: fields.optionalInt('max_timestamp_millis'),
        maxTraces: fields.optionalInt('max_traces'),
        traceIds: fields.strings('request_ids'),
      });
      return { traces_deleted: deleted };
    },
  },
];
