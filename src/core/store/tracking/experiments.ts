import type { Experiment, ExperimentRow, KeyValue, ViewType } from '../../entities';
import { experimentFromRow } from '../../entities';
import { alreadyExists, invalidParameter, MlflowError, ErrorCode, notFound } from '../../errors';
import { validateExperimentName, validateExperimentTag } from '../../validation';
import type { Database } from '../database';
import type { Reader, WriteTransaction } from '../databaseApi';
import { experimentArtifactLocation } from './artifactUris';
import { findExperiment, findExperimentByName, requireActiveExperiment, requireExperiment } from './lookups';
import { chunks, placeholders, runEach } from './sqlHelpers';
import { lifecycleCondition } from '../../search/viewType';

export const defaultExperimentId = '0';
const defaultExperimentName = 'Default';

export interface CreateExperimentInput {
  readonly name: string;
  readonly artifactLocation?: string;
  readonly tags?: readonly KeyValue[];
}

/** Experiment "0" named "Default" exists from the first open; writes only when it is missing. */
export function ensureDefaultExperiment(db: Database): void {
  if (findExperiment(db, defaultExperimentId)) return;
  const now = Date.now();
  db.write((tx) => {
    if (findExperiment(tx, defaultExperimentId)) return;
    tx.run(
      `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
       VALUES (0, ?, ?, 'active', ?, ?)`,
      [defaultExperimentName, experimentArtifactLocation(0), now, now],
    );
  });
}

export function createExperiment(tx: WriteTransaction, input: CreateExperimentInput, now: number): string {
  validateExperimentName(input.name);
  if (input.artifactLocation?.startsWith('runs:')) {
    throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${input.artifactLocation}'`);
  }
  for (const tag of input.tags ?? []) validateExperimentTag(tag.key, tag.value);
  if (findExperimentByName(tx, input.name)) {
    throw alreadyExists(`Experiment(name=${input.name}) already exists.`);
  }
  const max = tx.get<{ max_id: number | null }>('SELECT MAX(experiment_id) AS max_id FROM experiments');
  const id = (max?.max_id ?? 0) + 1;
  tx.run(
    `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
     VALUES (?, ?, ?, 'active', ?, ?)`,
    [id, input.name, input.artifactLocation || experimentArtifactLocation(id), now, now],
  );
  runEach(tx, 'INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)',
    (input.tags ?? []).map((tag) => [id, tag.key, tag.value]),
  );
  return String(id);
}

export function getExperiment(db: Reader, id: string): Experiment {
  return withTags(db, [requireExperiment(db, id)])[0];
}

export function getExperimentByName(db: Reader, name: string): Experiment | undefined {
  const row = findExperimentByName(db, name);
  return row ? withTags(db, [row])[0] : undefined;
}

export function listExperiments(db: Reader, viewType: ViewType = 'ACTIVE_ONLY'): Experiment[] {
  const condition = lifecycleCondition('lifecycle_stage', viewType, 'view_type');
  const rows = db.all<ExperimentRow>(
    `SELECT * FROM experiments WHERE ${condition?.sql ?? '1'} ORDER BY experiment_id`,
    condition?.params ?? [],
  );
  return withTags(db, rows);
}

export function renameExperiment(tx: WriteTransaction, id: string, newName: string, now: number): void {
  const row = requireExperiment(tx, id);
  if (row.lifecycle_stage !== 'active') {
    throw new MlflowError(ErrorCode.InvalidState, 'Cannot rename a non-active experiment.');
  }
  validateExperimentName(newName);
  const holder = findExperimentByName(tx, newName);
  if (holder && holder.experiment_id !== row.experiment_id) {
    throw alreadyExists(`Experiment(name=${newName}) already exists.`);
  }
  tx.run('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?', [
    newName,
    now,
    row.experiment_id,
  ]);
}

/** Lifecycle only, as MLflow: the experiment and its runs are marked deleted and can be restored. */
export function deleteExperiment(tx: WriteTransaction, id: string, now: number): void {
  if (id === defaultExperimentId) {
    throw invalidParameter(
      `Cannot delete the default experiment '${defaultExperimentId}'. This is an internally reserved experiment.`,
    );
  }
  const row = requireExperiment(tx, id);
  if (row.lifecycle_stage !== 'active') throw notFound(`No Experiment with id=${id} exists`);
  tx.run("UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = ? WHERE experiment_id = ?", [
    now,
    row.experiment_id,
  ]);
  tx.run("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ?", [
    now,
    row.experiment_id,
  ]);
}

export function restoreExperiment(tx: WriteTransaction, id: string, now: number): void {
  const row = requireExperiment(tx, id);
  if (row.lifecycle_stage !== 'deleted') throw notFound(`No Experiment with id=${id} exists`);
  tx.run("UPDATE experiments SET lifecycle_stage = 'active', last_update_time = ? WHERE experiment_id = ?", [
    now,
    row.experiment_id,
  ]);
  tx.run("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ?", [
    row.experiment_id,
  ]);
}

export function setExperimentTag(tx: WriteTransaction, id: string, key: string, value: string): void {
  validateExperimentTag(key, value);
  const row = requireActiveExperiment(tx, id);
  tx.run('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)', [
    row.experiment_id,
    key,
    value,
  ]);
}

export function deleteExperimentTag(tx: WriteTransaction, id: string, key: string): void {
  const row = requireActiveExperiment(tx, id);
  const existing = tx.get('SELECT 1 AS found FROM experiment_tags WHERE experiment_id = ? AND key = ?', [
    row.experiment_id,
    key,
  ]);
  if (!existing) throw notFound(`No tag with name: ${key} in experiment with id ${id}`);
  tx.run('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?', [row.experiment_id, key]);
}

/** Attaches each experiment's tags with one query per 500 experiments. */
export function withTags(db: Reader, rows: readonly ExperimentRow[]): Experiment[] {
  const tagsById = new Map<number, KeyValue[]>();
  for (const part of chunks(rows.map((row) => row.experiment_id))) {
    const tagRows = db.all<{ experiment_id: number; key: string; value: string }>(
      `SELECT experiment_id, key, value FROM experiment_tags
       WHERE experiment_id IN (${placeholders(part.length)}) ORDER BY experiment_id, key`,
      part,
    );
    for (const tag of tagRows) {
      const list = tagsById.get(tag.experiment_id) ?? [];
      list.push({ key: tag.key, value: tag.value });
      tagsById.set(tag.experiment_id, list);
    }
  }
  return rows.map((row) => experimentFromRow(row, tagsById.get(row.experiment_id) ?? []));
}
