import { Scorers } from '../../../core/store/genai/scorers';
import type { RequestContext, Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';

const base = '/api/3.0/mlflow/scorers';

const scorers = (context: RequestContext) => new Scorers(context.store.db);

/** MLflow 3's scorer endpoints (service.proto, RegisterScorer ... DeleteScorer). */
export const scorerRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${base}/register`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const scorer = scorers(context).register(fields.string('experiment_id'), fields.string('name'), fields.string('serialized_scorer'));
      return {
        version: scorer.scorer_version,
        scorer_id: scorer.scorer_id,
        experiment_id: String(scorer.experiment_id),
        name: scorer.scorer_name,
        serialized_scorer: scorer.serialized_scorer,
        creation_time: scorer.creation_time,
      };
    },
  },
  {
    method: 'GET',
    path: `${base}/list`,
    handler: (context) => {
      const list = scorers(context).list(RequestFields.of(context, 'GET').string('experiment_id'));
      return list.length > 0 ? { scorers: list } : {};
    },
  },
  {
    method: 'GET',
    path: `${base}/versions`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      return { scorers: scorers(context).versions(fields.string('experiment_id'), fields.string('name')) };
    },
  },
  {
    method: 'GET',
    path: `${base}/get`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      return { scorer: scorers(context).get(fields.string('experiment_id'), fields.string('name'), fields.optionalInt('version')) };
    },
  },
  {
    method: 'DELETE',
    path: `${base}/delete`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      scorers(context).delete(fields.string('experiment_id'), fields.string('name'), fields.optionalInt('version'));
      return {};
    },
  },
];
