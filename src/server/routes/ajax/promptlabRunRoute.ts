import { Readable } from 'node:stream';
import type { KeyValue } from '../../../core/entities';
import { invalidParameter } from '../../../core/errors';
import type { Route } from '../../route';
import { storePathOf } from '../artifacts/artifactRoots';
import { RequestFields } from '../tracking/requestFields';
import { requireJsonContentType } from './contentTypeCheck';

const evalTableName = 'eval_results_table.json';

/**
 * `POST /ajax-api/2.0/mlflow/runs/create-promptlab-run`: the run MLflow's prompt engineering UI
 * records for one prompt evaluation. As MLflow: the run with the request's tags, the model
 * parameters plus `model_route` and `prompt_template` as params, the `mlflow.loggedArtifacts` and
 * `mlflow.runSourceType` tags, `eval_results_table.json`, then FINISHED (FAILED when a step fails).
 * RunLens does not write MLflow's promptlab pyfunc model folder: it has no Python to build it with.
 */
export const promptlabRunRoute: Route = {
  method: 'POST',
  path: '/ajax-api/2.0/mlflow/runs/create-promptlab-run',
  handler: async (context) => {
    requireJsonContentType(context);
    const fields = RequestFields.of(context, 'BODY');
    const required = (name: string): string => {
      const value = context.body[name];
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
        throw invalidParameter(`CreatePromptlabRun request must specify ${name}.`);
      }
      return typeof value === 'string' ? value : JSON.stringify(value);
    };
    const experimentId = required('experiment_id');
    const promptTemplate = required('prompt_template');
    required('prompt_parameters');
    const modelRoute = required('model_route');
    const modelInput = required('model_input');
    required('mlflow_version');
    const promptParameters = stringParams(context.body, 'prompt_parameters');
    const modelParameters = stringParams(context.body, 'model_parameters');
    const outputParameters = stringParams(context.body, 'model_output_parameters');
    const modelOutput = fields.optionalString('model_output') ?? null;
    const runName = fields.optionalString('run_name');

    const run = context.store.createRun({
      experimentId,
      userId: fields.optionalString('user_id') ?? 'unknown',
      startTime: fields.optionalInt('start_time') ?? Date.now(),
      tags: fields.keyValues('tags'),
      runName,
    });
    const runId = run.info.run_id;
    let status: 'FINISHED' | 'FAILED' = 'FINISHED';
    try {
      context.store.logBatch(runId, {
        metrics: [],
        params: [...modelParameters, { key: 'model_route', value: modelRoute }, { key: 'prompt_template', value: promptTemplate }],
        tags: [
          // Written as Python's json.dumps writes it, byte for byte.
          { key: 'mlflow.loggedArtifacts', value: `[{"path": "${evalTableName}", "type": "table"}]` },
          { key: 'mlflow.runSourceType', value: 'PROMPT_ENGINEERING' },
        ],
      });
      const table = {
        columns: [...promptParameters.map((p) => p.key), 'prompt', 'output', ...outputParameters.map((p) => p.key)],
        data: [[...promptParameters.map((p) => p.value), modelInput, modelOutput, ...outputParameters.map((p) => p.value)]],
      };
      const tablePath = `${storePathOf(run.info.artifact_uri)}/${evalTableName}`;
      await context.artifacts.write(tablePath, Readable.from([Buffer.from(JSON.stringify(table))]));
    } catch {
      status = 'FAILED';
    }
    context.store.updateRun(runId, { status, endTime: Date.now(), runName });
    return { run: context.store.getRun(runId) };
  },
};

/** `[{key, value}]` whose values MLflow turns into strings with `str()` (a number stays as written). */
function stringParams(body: Readonly<Record<string, unknown>>, name: string): KeyValue[] {
  const list = body[name] ?? [];
  if (!Array.isArray(list)) throw invalidParameter(`Invalid value for parameter '${name}': expected a list of {key, value}.`);
  return list.map((item: unknown) => {
    const entry = (item ?? {}) as { key?: unknown; value?: unknown };
    return { key: pythonStr(entry.key), value: pythonStr(entry.value) };
  });
}

function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
