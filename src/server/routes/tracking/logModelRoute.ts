import { invalidParameter } from '../../../core/errors';
import { pythonJson } from '../../../core/pythonJson';
import type { Route } from '../../route';
import { RequestFields } from './requestFields';

/** The run tag where MLflow keeps the models `runs/log-model` recorded (MLFLOW_LOGGED_MODELS). */
const historyTag = 'mlflow.log-model.history';
const mandatoryFields = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'];

/**
 * `POST /api/2.0/mlflow/runs/log-model` (LogModel): records an MLmodel's description on the run, as
 * MLflow's `record_logged_model` does, by appending it to the run's `mlflow.log-model.history` tag.
 */
export const logModelRoute: Route = {
  method: 'POST',
  path: '/api/2.0/mlflow/runs/log-model',
  handler: (context) => {
    const fields = RequestFields.of(context, 'BODY');
    const runId = fields.string('run_id');
    const modelJson = fields.string('model_json');
    let model: unknown;
    try {
      model = JSON.parse(modelJson);
    } catch {
      throw invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
    }
    if (model === null || typeof model !== 'object' || Array.isArray(model)) {
      throw invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
    }
    const missing = mandatoryFields.filter((name) => !(name in model));
    if (missing.length > 0) {
      throw invalidParameter(`Model json is missing mandatory fields: {${missing.map((name) => `'${name}'`).join(', ')}}`);
    }
    const run = context.store.getRun(runId);
    const previous = run.data.tags?.find((tag) => tag.key === historyTag)?.value;
    const history = previous ? parsedList(previous) : [];
    context.store.setTag(runId, historyTag, pythonJson([...history, model]));
    return {};
  },
};

function parsedList(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
