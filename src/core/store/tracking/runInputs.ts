import type { Dataset, KeyValue } from '../../entities';
import { validateDataset, validateInputTag } from '../../validation';
import type { WriteTransaction } from '../databaseApi';
import { newDatasetId } from '../ids';
import { requireActiveRun } from './lookups';
import { runEach } from './sqlHelpers';

export interface DatasetInputInput {
  readonly dataset: Dataset;
  readonly tags?: readonly KeyValue[];
}

export interface LoggedModelOutputInput {
  readonly modelId: string;
  readonly step: number;
}

export function validateInputs(datasets: readonly DatasetInputInput[]): void {
  for (const input of datasets) {
    validateDataset(input.dataset);
    for (const tag of input.tags ?? []) validateInputTag(tag.key, tag.value);
  }
}

/**
 * Records datasets (and models) a run used. A dataset is stored once per experiment, name and
 * digest; logging the same one again links the existing row, and a run lists each dataset once
 * (with the tags it was first logged with), as MLflow does.
 */
export function logInputs(
  tx: WriteTransaction,
  runId: string,
  datasets: readonly DatasetInputInput[],
  modelIds: readonly string[],
): void {
  const run = requireActiveRun(tx, runId);
  tx.noteRun(runId);
  const links: (string | number)[][] = [];
  const linked = new Set<string>();
  for (const input of datasets) {
    const { dataset } = input;
    const datasetId = findOrCreateDataset(tx, run.experiment_id, dataset);
    if (linked.has(datasetId)) continue;
    linked.add(datasetId);
    links.push([runId, datasetId, JSON.stringify(input.tags ?? [])]);
  }
  runEach(tx, 'INSERT OR IGNORE INTO run_inputs (run_id, dataset_id, tags_json) VALUES (?, ?, ?)', links);
  runEach(
    tx,
    'INSERT OR IGNORE INTO run_model_inputs (run_id, model_id) VALUES (?, ?)',
    modelIds.map((modelId) => [runId, modelId]),
  );
}

/** Records models a run produced, with the step it produced them at. */
export function logOutputs(tx: WriteTransaction, runId: string, models: readonly LoggedModelOutputInput[]): void {
  requireActiveRun(tx, runId);
  tx.noteRun(runId);
  runEach(
    tx,
    `INSERT INTO run_outputs (run_id, model_id, step) VALUES (?, ?, ?)
     ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step`,
    models.map((model) => [runId, model.modelId, model.step]),
  );
}

function findOrCreateDataset(tx: WriteTransaction, experimentId: number, dataset: Dataset): string {
  const existing = tx.get<{ dataset_id: string }>(
    'SELECT dataset_id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
    [experimentId, dataset.name, dataset.digest],
  );
  if (existing) return existing.dataset_id;
  const datasetId = newDatasetId();
  tx.run(
    `INSERT INTO datasets (dataset_id, experiment_id, name, digest, source_type, source, schema, profile)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      datasetId,
      experimentId,
      dataset.name,
      dataset.digest,
      dataset.source_type,
      dataset.source,
      dataset.schema ?? null,
      dataset.profile ?? null,
    ],
  );
  return datasetId;
}
