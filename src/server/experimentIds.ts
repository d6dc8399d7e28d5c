/**
 * Experiment ids were integers before MLflow 0.9.1, and clients of that age (and hand-written
 * scripts, R's client among them) still send `"experiment_id": 0`. MLflow's server turns every
 * `experiment_id` and each item of `experiment_ids` in a request body into a string before
 * reading it (proto_json_utils._stringify_all_experiment_ids), except inside run data (params,
 * tags, metrics, whose keys are the user's); RunLens does the same, so such a request succeeds
 * here as it does there. Only integers are turned: MLflow would store `str(None)` as "None",
 * which names no experiment, so null stays "absent".
 */
export function stringifyExperimentIds(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > maxDepth) return;
  if (Array.isArray(value)) {
    for (const item of value) stringifyExperimentIds(item, depth + 1);
    return;
  }
  const fields = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(fields)) {
    if (key === 'experiment_id') fields[key] = asIdString(field);
    else if (key === 'experiment_ids' && Array.isArray(field)) fields[key] = field.map(asIdString);
    else if (!runDataKeys.has(key)) stringifyExperimentIds(field, depth + 1);
  }
}

const runDataKeys = new Set(['params', 'tags', 'metrics']);

/** Bodies are parsed with a nesting cap already; this only keeps the walk's stack bounded on its own. */
const maxDepth = 256;

function asIdString(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
}
