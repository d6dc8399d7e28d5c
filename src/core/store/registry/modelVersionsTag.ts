import { pythonJson } from '../../pythonJson';

/**
 * The logged model's `mlflow.modelVersions` tag: the registered versions made from it, as MLflow's
 * server writes it on model-versions/create (AbstractStore.set_model_versions_tags). The value is
 * what Python's json.dumps prints, `[{"name": "rf_model", "version": 1}]`, because the client reads
 * it back, appends its own entry and PATCHes the whole list (requests.jsonl, seq 43 to 45).
 */
export const modelVersionsTagKey = 'mlflow.modelVersions';

/** The tag's new value: the existing entries, then this version unless it is listed already. */
export function withModelVersion(existing: string | undefined, name: string, version: number): string {
  const entry = { name, version };
  const entries = parseEntries(existing);
  const listed = entries.some((item) => pythonJson(item) === pythonJson(entry));
  return pythonJson(listed ? entries : [...entries, entry]);
}

/** A value that is not a JSON list (someone set the tag by hand) is replaced rather than failing the registration. */
function parseEntries(existing: string | undefined): unknown[] {
  if (existing === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(existing);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
