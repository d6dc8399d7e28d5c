import { randomBytes } from 'node:crypto';
import type { KeyValue } from '../entities';
import { invalidParameter } from '../errors';
import type { Reader, WriteTransaction } from '../store/databaseApi';
import { traceArtifactUri } from '../store/tracking/artifactUris';
import { requireExperiment } from '../store/tracking/lookups';
import { runEach } from '../store/tracking/sqlHelpers';
import { traceTagKeys } from './traceInfo';
import { requireTrace } from './traceWrites';

/**
 * MLflow 2's trace API (`POST /api/2.0/mlflow/traces`, `PATCH .../{request_id}`), which a 3.x
 * client falls back to when the v3 routes are missing, and older clients use. The server makes the
 * id (32 hex digits); the spans then come as a `traces.json` artifact, so no spans-location tag.
 */
export interface TraceInfoV2 {
  readonly request_id: string;
  readonly experiment_id: string;
  readonly timestamp_ms: number;
  readonly execution_time_ms: number;
  readonly status: string;
  readonly request_metadata: KeyValue[];
  readonly tags: KeyValue[];
}

export const traceStatusesV2 = ['TRACE_STATUS_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;

export function startTraceV2(tx: WriteTransaction, experimentId: string, timestampMs: number, metadata: readonly KeyValue[], tags: readonly KeyValue[]): string {
  const experiment = requireExperiment(tx, experimentId);
  const requestId = randomBytes(16).toString('hex');
  tx.run(`INSERT INTO traces (trace_id, experiment_id, request_time, execution_ms, state, info_logged) VALUES (?, ?, ?, 0, 'IN_PROGRESS', 1)`, [
    requestId,
    experiment.experiment_id,
    timestampMs,
  ]);
  setAll(tx, requestId, metadata, [...tags, { key: traceTagKeys.artifactLocation, value: traceArtifactUri(experiment.artifact_location, requestId) }]);
  return requestId;
}

export function endTraceV2(tx: WriteTransaction, requestId: string, endMs: number, status: string, metadata: readonly KeyValue[], tags: readonly KeyValue[]): void {
  requireTrace(tx, requestId);
  const state = status === 'TRACE_STATUS_UNSPECIFIED' ? 'STATE_UNSPECIFIED' : status;
  const start = tx.get<{ request_time: number }>('SELECT request_time FROM traces WHERE trace_id = ?', [requestId])!.request_time;
  if (endMs < start) throw invalidParameter(`timestamp_ms ${endMs} is before the trace's start ${start}.`);
  tx.run('UPDATE traces SET execution_ms = ?, state = ? WHERE trace_id = ?', [endMs - start, state, requestId]);
  setAll(tx, requestId, metadata, tags);
}

export function getTraceInfoV2(db: Reader, requestId: string): TraceInfoV2 {
  requireTrace(db, requestId);
  const row = db.get<{ experiment_id: number; request_time: number; execution_ms: number | null; state: string }>(
    'SELECT experiment_id, request_time, execution_ms, state FROM traces WHERE trace_id = ?',
    [requestId],
  )!;
  const pairs = (table: string) => db.all<KeyValue>(`SELECT key, value FROM ${table} WHERE trace_id = ? ORDER BY key`, [requestId]);
  return {
    request_id: requestId,
    experiment_id: String(row.experiment_id),
    timestamp_ms: row.request_time,
    execution_time_ms: row.execution_ms ?? 0,
    status: row.state === 'STATE_UNSPECIFIED' ? 'TRACE_STATUS_UNSPECIFIED' : row.state,
    request_metadata: pairs('trace_metadata'),
    tags: pairs('trace_tags'),
  };
}

function setAll(tx: WriteTransaction, traceId: string, metadata: readonly KeyValue[], tags: readonly KeyValue[]): void {
  runEach(tx, 'INSERT OR REPLACE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)', metadata.map((m) => [traceId, m.key, m.value]));
  runEach(tx, 'INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)', tags.map((t) => [traceId, t.key, t.value]));
}
