import type { KeyValue } from '../../entities';
import type { Reader } from '../databaseApi';
import { placeholders } from './sqlHelpers';

/** One dataset a run of the experiment used, in a given context (training, eval...): the UI's dataset list. */
export interface DatasetSummary {
  readonly experiment_id: string;
  readonly name: string;
  readonly digest: string;
  /** The input's `mlflow.data.context` tag; left out when the input has none. */
  readonly context?: string;
}

const contextTag = 'mlflow.data.context';
/** MLflow's SQL store stops at this many summaries. */
const maxSummaries = 1000;

/**
 * MLflow's `_search_datasets`: the distinct (experiment, name, digest, context) of the datasets
 * that runs of these experiments logged as inputs, at most 1,000.
 */
export function searchDatasetSummaries(db: Reader, experimentIds: readonly string[]): DatasetSummary[] {
  const ids = experimentIds.filter((id) => /^\d+$/.test(id)).map(Number);
  if (ids.length === 0) return [];
  const rows = db.all<{ experiment_id: number; name: string; digest: string; tags_json: string }>(
    `SELECT d.experiment_id, d.name, d.digest, i.tags_json FROM datasets AS d
     JOIN run_inputs AS i ON i.dataset_id = d.dataset_id
     WHERE d.experiment_id IN (${placeholders(ids.length)})
     ORDER BY d.experiment_id, d.name, d.digest`,
    ids,
  );
  const summaries = new Map<string, DatasetSummary>();
  for (const row of rows) {
    const context = (JSON.parse(row.tags_json) as KeyValue[]).find((tag) => tag.key === contextTag)?.value;
    const identity = JSON.stringify([row.experiment_id, row.name, row.digest, context ?? null]);
    if (summaries.has(identity)) continue;
    summaries.set(identity, {
      experiment_id: String(row.experiment_id),
      name: row.name,
      digest: row.digest,
      ...(context === undefined ? {} : { context }),
    });
    if (summaries.size >= maxSummaries) break;
  }
  return [...summaries.values()];
}
