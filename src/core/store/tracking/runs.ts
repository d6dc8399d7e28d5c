import type { KeyValue, Run, RunInfo, RunRow, RunStatus } from '../../entities';
import { runInfoFromRow } from '../../entities';
import { invalidParameter } from '../../errors';
import { limits, validateLength } from '../../validation';
import type { Reader, WriteTransaction } from '../databaseApi';
import { newRunId } from '../ids';
import { runArtifactUri } from './artifactUris';
import { defaultExperimentId } from './experiments';
import { requireActiveExperiment, requireActiveRun, requireRun } from './lookups';
import { runEach } from './sqlHelpers';
import { assembleRuns } from './runReads';
import { generateRunName } from './runNames';

/** The tag that mirrors a run's name; MLflow keeps the two in step. */
export const runNameTag = 'mlflow.runName';

export interface CreateRunInput {
  /** Absent: the Default experiment, as MLflow. */
  readonly experimentId?: string;
  readonly userId?: string;
  readonly startTime?: number;
  readonly tags?: readonly KeyValue[];
  readonly runName?: string;
  /** The RunLens launch whose token created the run, when there is one. */
  readonly launchId?: string;
}

export interface UpdateRunInput {
  readonly status?: RunStatus;
  readonly endTime?: number;
  readonly runName?: string;
}

export function createRun(tx: WriteTransaction, input: CreateRunInput, now: number): Run {
  const experimentId = input.experimentId || defaultExperimentId;
  const experiment = requireActiveExperiment(tx, experimentId);
  const tags = [...(input.tags ?? [])];
  // MLflow checks no tag names at run creation (integrations set all sorts); only the lengths the store keeps.
  tags.forEach((tag, index) => {
    validateLength(`tags[${index}].key`, limits.maxEntityKeyLength, tag.key);
    validateLength(`tags[${index}].value`, limits.maxTagValueLength, tag.value);
  });
  validateRunName(input.runName);
  const tagName = tags.find((tag) => tag.key === runNameTag)?.value;
  if (input.runName && tagName && input.runName !== tagName) {
    throw invalidParameter(
      "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values" +
        ` (run_name='${input.runName}', mlflow.runName='${tagName}').`,
    );
  }
  const runName = input.runName || tagName || generateRunName();
  if (!tagName) tags.push({ key: runNameTag, value: runName });
  const runId = newRunId();
  tx.noteRun(runId, String(experiment.experiment_id));
  tx.run(
    `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri, launch_id)
     VALUES (?, ?, ?, ?, 'RUNNING', ?, 'active', ?, ?)`,
    [
      runId,
      experiment.experiment_id,
      runName,
      input.userId ?? '',
      input.startTime ?? now,
      runArtifactUri(experiment.artifact_location, runId),
      input.launchId ?? null,
    ],
  );
  runEach(tx, 'INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)',
    tags.map((tag) => [runId, tag.key, tag.value]),
  );
  return getRun(tx, runId);
}

export function getRun(db: Reader, runId: string): Run {
  return assembleRuns(db, [requireRun(db, runId)])[0];
}

export function updateRun(tx: WriteTransaction, runId: string, input: UpdateRunInput): RunInfo {
  validateRunName(input.runName);
  const row = requireActiveRun(tx, runId);
  tx.noteRun(runId);
  const updated: RunRow = {
    ...row,
    status: input.status ?? row.status,
    end_time: input.endTime ?? row.end_time,
    name: input.runName || row.name,
  };
  tx.run('UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_id = ?', [
    updated.status,
    updated.end_time,
    updated.name,
    runId,
  ]);
  if (input.runName) setRunNameTag(tx, runId, input.runName);
  return runInfoFromRow(updated);
}

/**
 * A run's name is its `mlflow.runName` tag, so it has the tag value's limit (MAX_TAG_VAL_LENGTH),
 * whichever way it is set: runs/create, runs/update or set-tag.
 */
function validateRunName(name: string | undefined): void {
  validateLength('run_name', limits.maxTagValueLength, name);
}

/** Renaming through the tag renames the run, and the other way round. */
export function renameRun(tx: WriteTransaction, runId: string, name: string): void {
  tx.noteRun(runId);
  tx.run('UPDATE runs SET name = ? WHERE run_id = ?', [name, runId]);
  setRunNameTag(tx, runId, name);
}

function setRunNameTag(tx: WriteTransaction, runId: string, name: string): void {
  tx.run('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)', [runId, runNameTag, name]);
}

/** Lifecycle only: a deleted run keeps its data and can be restored. */
export function deleteRun(tx: WriteTransaction, runId: string, now: number): void {
  tx.noteRun(runId, String(requireRun(tx, runId).experiment_id));
  tx.run("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_id = ?", [now, runId]);
}

export function restoreRun(tx: WriteTransaction, runId: string): void {
  tx.noteRun(runId, String(requireRun(tx, runId).experiment_id));
  tx.run("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_id = ?", [runId]);
}

/** The tables that hold a run's own rows; purging a run empties them of it. */
const runTables = ['metrics', 'latest_metrics', 'params', 'tags', 'run_inputs', 'run_model_inputs', 'run_outputs', 'runs'] as const;

/**
 * Destructive, unlike deleteRun: removes the run and every row of its own (metrics, params, tags,
 * inputs, outputs) and its metric history files. Its artifacts are files; the caller removes them. Logged models and registered
 * versions made from it stay, as MLflow's garbage collection leaves them.
 */
export function purgeRun(tx: WriteTransaction, runId: string): void {
  tx.noteRun(runId, String(requireRun(tx, runId).experiment_id));
  for (const table of runTables) tx.run(`DELETE FROM ${table} WHERE run_id = ?`, [runId]);
  tx.removeRunPoints(runId);
}
