import type { KeyValue, Metric } from '../../core/entities';
import type { WriteTransaction } from '../../core/store/databaseApi';
import { newDatasetId } from '../../core/store/ids';
import { insertMetrics } from '../../core/store/tracking/metricWrites';
import { purgeRun } from '../../core/store/tracking/runs';
import { runEach } from '../../core/store/tracking/sqlHelpers';
import type { RemoteRunSummary } from './remoteRecords';

/** A remote experiment as the mirror keeps it, under the mirror's own numeric id. */
export interface MirroredExperiment {
  readonly localId: number;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: string;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: readonly KeyValue[];
}

/**
 * Writes an experiment into a mirror's in-memory store, over what it held. Like the importer, the
 * mirror writes below TrackingStore, because it sets what the public API decides itself (ids,
 * times, statuses). Every statement is parameterized.
 */
export function upsertExperiment(tx: WriteTransaction, experiment: MirroredExperiment): void {
  // Names are unique in a store. An experiment renamed on the server may leave its old name on
  // another copy read earlier: that copy steps aside until it is read again.
  tx.run(`UPDATE experiments SET name = name || ' #' || experiment_id WHERE name = ? AND experiment_id <> ?`, [experiment.name, experiment.localId]);
  tx.run(
    `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (experiment_id) DO UPDATE SET name = excluded.name, artifact_location = excluded.artifact_location,
       lifecycle_stage = excluded.lifecycle_stage, creation_time = excluded.creation_time, last_update_time = excluded.last_update_time`,
    [experiment.localId, experiment.name, experiment.artifactLocation, experiment.lifecycleStage, experiment.creationTime, experiment.lastUpdateTime],
  );
  tx.run('DELETE FROM experiment_tags WHERE experiment_id = ?', [experiment.localId]);
  runEach(tx, 'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)', experiment.tags.map((tag) => [experiment.localId, tag.key, tag.value]));
}

/** Replaces the mirror's copy of a run (row, params, tags, dataset inputs) and gives it `points` as its metric history. */
export function replaceRun(tx: WriteTransaction, run: RemoteRunSummary, localExperimentId: number, points: readonly Metric[]): void {
  removeRun(tx, run.runId);
  tx.run(
    `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [run.runId, localExperimentId, run.name, run.userId, run.status, run.startTime ?? 0, run.endTime ?? null, run.lifecycleStage, run.artifactUri],
  );
  runEach(tx, 'INSERT OR REPLACE INTO params (run_id, key, value) VALUES (?, ?, ?)', run.params.map((p) => [run.runId, p.key, p.value]));
  runEach(tx, 'INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)', run.tags.map((t) => [run.runId, t.key, t.value]));
  for (const input of run.datasetInputs) {
    const datasetId = datasetIdFor(tx, localExperimentId, input.dataset);
    tx.run('INSERT OR IGNORE INTO run_inputs (run_id, dataset_id, tags_json) VALUES (?, ?, ?)', [run.runId, datasetId, JSON.stringify(input.tags)]);
  }
  insertMetrics(tx, run.runId, points);
}

/** More of a run's history, after `replaceRun` (long histories are written in several transactions). */
export function appendPoints(tx: WriteTransaction, runId: string, points: readonly Metric[]): void {
  insertMetrics(tx, runId, points);
}

export function removeRun(tx: WriteTransaction, runId: string): void {
  if (tx.get('SELECT 1 AS found FROM runs WHERE run_id = ?', [runId])) purgeRun(tx, runId);
}

function datasetIdFor(tx: WriteTransaction, experimentId: number, dataset: RemoteRunSummary['datasetInputs'][number]['dataset']): string {
  const existing = tx.get<{ dataset_id: string }>('SELECT dataset_id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?', [
    experimentId,
    dataset.name,
    dataset.digest,
  ])?.dataset_id;
  if (existing !== undefined) return existing;
  const datasetId = newDatasetId();
  tx.run(
    `INSERT INTO datasets (dataset_id, experiment_id, name, digest, source_type, source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [datasetId, experimentId, dataset.name, dataset.digest, dataset.sourceType, dataset.source, dataset.schema ?? null, dataset.profile ?? null],
  );
  return datasetId;
}
