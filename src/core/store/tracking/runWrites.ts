import type { KeyValue } from '../../entities';
import { invalidParameter, notFound } from '../../errors';
import {
  validateBatchLimits,
  validateMetric,
  validateParam,
  validateParamKeysUnique,
  validateTag,
} from '../../validation';
import type { WriteTransaction } from '../databaseApi';
import { requireActiveRun } from './lookups';
import { chunks, placeholders, runEach } from './sqlHelpers';
import type { MetricInput } from './metricWrites';
import { recordModelMetrics } from './modelMetricWrites';
import { insertMetrics } from './metricWrites';
import { renameRun, runNameTag } from './runs';

export interface BatchInput {
  readonly metrics?: readonly MetricInput[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

/** Checks a whole batch before anything is written, so that a bad batch writes nothing. */
export function validateBatch(batch: BatchInput): void {
  const metrics = batch.metrics ?? [];
  const params = batch.params ?? [];
  const tags = batch.tags ?? [];
  validateBatchLimits(metrics.length, params.length, tags.length);
  metrics.forEach((metric, index) => validateMetric(metric, `metrics[${index}]`));
  params.forEach((param, index) => validateParam(param.key, param.value, `params[${index}]`));
  tags.forEach((tag, index) => validateTag(tag.key, tag.value, `tags[${index}]`));
  validateParamKeysUnique(params.map((param) => param.key));
}

/** All of the batch or none of it: the caller runs this inside one `db.write`. */
export function logBatch(tx: WriteTransaction, runId: string, batch: BatchInput): void {
  requireActiveRun(tx, runId);
  tx.noteRun(runId);
  insertParams(tx, runId, batch.params ?? []);
  insertMetrics(tx, runId, batch.metrics ?? []);
  recordModelMetrics(tx, runId, batch.metrics ?? []);
  upsertTags(tx, runId, batch.tags ?? []);
}

export function logMetric(tx: WriteTransaction, runId: string, metric: MetricInput): void {
  validateMetric(metric);
  requireActiveRun(tx, runId);
  tx.noteRun(runId);
  insertMetrics(tx, runId, [metric]);
  recordModelMetrics(tx, runId, [metric]);
}

/** Params are immutable: the same value again is accepted, another value is refused. */
export function logParam(tx: WriteTransaction, runId: string, key: string, value: string): void {
  validateParam(key, value);
  requireActiveRun(tx, runId);
  tx.noteRun(runId);
  const existing = tx.get<{ value: string }>('SELECT value FROM params WHERE run_id = ? AND key = ?', [runId, key]);
  if (existing && existing.value !== value) {
    throw invalidParameter(
      `Changing param values is not allowed. Param with key='${key}' was already logged with` +
        ` value='${existing.value}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
    );
  }
  if (!existing) tx.run('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)', [runId, key, value]);
}

export function setTag(tx: WriteTransaction, runId: string, key: string, value: string): void {
  validateTag(key, value);
  requireActiveRun(tx, runId);
  tx.noteRun(runId);
  upsertTags(tx, runId, [{ key, value }]);
}

export function deleteTag(tx: WriteTransaction, runId: string, key: string): void {
  requireActiveRun(tx, runId);
  tx.noteRun(runId);
  const existing = tx.get('SELECT 1 AS found FROM tags WHERE run_id = ? AND key = ?', [runId, key]);
  if (!existing) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
  tx.run('DELETE FROM tags WHERE run_id = ? AND key = ?', [runId, key]);
}

function insertParams(tx: WriteTransaction, runId: string, params: readonly KeyValue[]): void {
  if (params.length === 0) return;
  const existing = new Map<string, string>();
  for (const part of chunks(params.map((param) => param.key))) {
    const rows = tx.all<KeyValue>(
      `SELECT key, value FROM params WHERE run_id = ? AND key IN (${placeholders(part.length)})`,
      [runId, ...part],
    );
    for (const row of rows) existing.set(row.key, row.value);
  }
  const conflicts = params
    .filter((param) => existing.has(param.key) && existing.get(param.key) !== param.value)
    .map((param) => `{'key': '${param.key}', 'old_value': '${existing.get(param.key)}', 'new_value': '${param.value}'}`);
  if (conflicts.length > 0) {
    throw invalidParameter(
      `Changing param values is not allowed. Params were already logged='[${conflicts.join(', ')}]' for run ID='${runId}'.`,
    );
  }
  runEach(tx, 'INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)',
    params.filter((param) => !existing.has(param.key)).map((param) => [runId, param.key, param.value]),
  );
}

/** Tags are mutable; within one call the last value for a key wins. */
function upsertTags(tx: WriteTransaction, runId: string, tags: readonly KeyValue[]): void {
  const last = new Map<string, string>();
  for (const tag of tags) last.set(tag.key, tag.value);
  const runName = last.get(runNameTag);
  if (runName !== undefined) {
    renameRun(tx, runId, runName);
    last.delete(runNameTag);
  }
  runEach(tx, 'INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)',
    [...last].map(([key, value]) => [runId, key, value]),
  );
}
