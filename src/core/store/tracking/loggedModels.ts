import type {
  KeyValue,
  LoggedModel,
  LoggedModelMetric,
  LoggedModelRow,
  LoggedModelStatus,
} from '../../entities';
import { loggedModelInfoFromRow, metricValue, nonEmpty } from '../../entities';
import { notFound } from '../../errors';
import { limits, validateLength, validateLoggedModelName } from '../../validation';
import type { Reader, WriteTransaction } from '../databaseApi';
import { newLoggedModelId } from '../ids';
import { loggedModelArtifactUri } from './artifactUris';
import { requireActiveExperiment } from './lookups';
import { generateRunName } from './runNames';
import { chunks, placeholders, runEach } from './sqlHelpers';

export interface CreateLoggedModelInput {
  readonly experimentId: string;
  readonly name?: string;
  readonly modelType?: string;
  readonly sourceRunId?: string;
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

export function createLoggedModel(tx: WriteTransaction, input: CreateLoggedModelInput, now: number): LoggedModel {
  if (input.name !== undefined) validateLoggedModelName(input.name);
  validateEntries(input.params ?? [], limits.maxParamValueLength);
  validateEntries(input.tags ?? [], limits.maxTagValueLength);
  const experiment = requireActiveExperiment(tx, input.experimentId);
  const modelId = newLoggedModelId();
  tx.run(
    `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
       last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id)
     VALUES (?, ?, ?, ?, ?, ?, 'LOGGED_MODEL_PENDING', 'active', ?, ?)`,
    [
      modelId,
      experiment.experiment_id,
      input.name || generateRunName(),
      loggedModelArtifactUri(experiment.artifact_location, modelId),
      now,
      now,
      input.modelType ?? '',
      input.sourceRunId ?? '',
    ],
  );
  insertEntries(tx, 'logged_model_params', modelId, input.params ?? []);
  insertEntries(tx, 'logged_model_tags', modelId, input.tags ?? []);
  return getLoggedModel(tx, modelId);
}

export function getLoggedModel(db: Reader, modelId: string): LoggedModel {
  const row = db.get<LoggedModelRow>("SELECT * FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'", [
    modelId,
  ]);
  if (!row) throw modelNotFound(modelId);
  return assembleLoggedModels(db, [row])[0];
}

export function finalizeLoggedModel(tx: WriteTransaction, modelId: string, status: LoggedModelStatus, now: number): LoggedModel {
  requireLoggedModel(tx, modelId);
  tx.run('UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ?', [status, now, modelId]);
  return getLoggedModel(tx, modelId);
}

export function setLoggedModelTags(tx: WriteTransaction, modelId: string, tags: readonly KeyValue[]): void {
  validateEntries(tags, limits.maxTagValueLength);
  requireLoggedModel(tx, modelId);
  insertEntries(tx, 'logged_model_tags', modelId, tags);
}

export function deleteLoggedModelTag(tx: WriteTransaction, modelId: string, key: string): void {
  requireLoggedModel(tx, modelId);
  const existing = tx.get('SELECT 1 AS found FROM logged_model_tags WHERE model_id = ? AND key = ?', [modelId, key]);
  if (!existing) throw notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
  tx.run('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?', [modelId, key]);
}

export function logLoggedModelParams(tx: WriteTransaction, modelId: string, params: readonly KeyValue[]): void {
  validateEntries(params, limits.maxParamValueLength);
  requireLoggedModel(tx, modelId);
  insertEntries(tx, 'logged_model_params', modelId, params);
}

/** Lifecycle only: the model's row, params, tags, metrics and files stay. */
export function deleteLoggedModel(tx: WriteTransaction, modelId: string, now: number): void {
  requireLoggedModel(tx, modelId);
  tx.run("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = ? WHERE model_id = ?", [
    now,
    modelId,
  ]);
}

/** Models with their tags, params and metrics (the points logged with the model's id, from `logged_model_metrics`). */
export function assembleLoggedModels(db: Reader, rows: readonly LoggedModelRow[]): LoggedModel[] {
  const ids = rows.map((row) => row.model_id);
  const tags = groupByModel(db, ids, 'logged_model_tags');
  const params = groupByModel(db, ids, 'logged_model_params');
  return rows.map((row) => {
    const metrics = modelMetrics(db, row);
    return {
      info: loggedModelInfoFromRow(row, tags.get(row.model_id) ?? []),
      data: { ...nonEmpty('params', params.get(row.model_id) ?? []), ...nonEmpty('metrics', metrics) },
    };
  });
}

function modelMetrics(db: Reader, row: LoggedModelRow): LoggedModelMetric[] {
  const rows = db.all<{
    run_id: string;
    key: string;
    value: number | null;
    is_nan: number;
    timestamp: number;
    step: number;
    dataset_name: string | null;
    dataset_digest: string | null;
  }>(
    `SELECT run_id, metric_name AS key, metric_value AS value, is_nan, metric_timestamp_ms AS timestamp, metric_step AS step,
       dataset_name, dataset_digest FROM logged_model_metrics
     WHERE model_id = ? ORDER BY metric_name, metric_step, metric_timestamp_ms, metric_value, is_nan, rowid`,
    [row.model_id],
  );
  return rows.map((metric) => ({
    key: metric.key,
    value: metricValue(metric),
    timestamp: metric.timestamp,
    step: metric.step,
    ...(metric.dataset_name === null ? {} : { dataset_name: metric.dataset_name }),
    ...(metric.dataset_digest === null ? {} : { dataset_digest: metric.dataset_digest }),
    model_id: row.model_id,
    run_id: metric.run_id,
  }));
}

function groupByModel(db: Reader, ids: readonly string[], table: 'logged_model_tags' | 'logged_model_params'): Map<string, KeyValue[]> {
  const grouped = new Map<string, KeyValue[]>();
  for (const part of chunks(ids)) {
    const rows = db.all<{ model_id: string; key: string; value: string }>(
      `SELECT model_id, key, value FROM ${table} WHERE model_id IN (${placeholders(part.length)}) ORDER BY model_id, key`,
      part,
    );
    for (const row of rows) {
      const list = grouped.get(row.model_id) ?? [];
      list.push({ key: row.key, value: row.value });
      grouped.set(row.model_id, list);
    }
  }
  return grouped;
}

/** A model to change must exist; a deleted one may still be tagged, as in MLflow. */
function requireLoggedModel(db: Reader, modelId: string): void {
  if (!db.get('SELECT 1 AS found FROM logged_models WHERE model_id = ?', [modelId])) throw modelNotFound(modelId);
}

function modelNotFound(modelId: string): Error {
  return notFound(`Logged model with ID '${modelId}' not found.`);
}

function validateEntries(entries: readonly KeyValue[], valueLimit: number): void {
  entries.forEach((entry, index) => {
    validateLength(`[${index}].key`, limits.maxEntityKeyLength, entry.key);
    validateLength(`[${index}].value`, valueLimit, entry.value);
  });
}

function insertEntries(
  tx: WriteTransaction,
  table: 'logged_model_tags' | 'logged_model_params',
  modelId: string,
  entries: readonly KeyValue[],
): void {
  runEach(
    tx,
    `INSERT OR REPLACE INTO ${table} (model_id, key, value) VALUES (?, ?, ?)`,
    entries.map((entry) => [modelId, entry.key, entry.value]),
  );
}
