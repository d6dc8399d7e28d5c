/**
 * MLflow's entities in their proto3-JSON shapes (snake_case field names, int64 as numbers, ids as
 * strings, unset optional fields and empty lists left out), as the REST API carries them and the
 * MLflow client parses them. The store returns these; the one difference from the wire is that a
 * metric value is a JS number that may be NaN or ±Infinity, which the server's JSON writer spells
 * as proto3 JSON does ("NaN", "Infinity", "-Infinity").
 */

export type LifecycleStage = 'active' | 'deleted';

export const runStatuses = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** Proto enum order: the MLflow client may send the number instead of the name. */
export const loggedModelStatuses = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;
export type LoggedModelStatus = (typeof loggedModelStatuses)[number];

export const viewTypes = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewType = (typeof viewTypes)[number];

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Experiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly last_update_time: number;
  readonly creation_time: number;
  readonly tags?: KeyValue[];
}

export interface RunInfo {
  /** Duplicate of run_id that older clients read. */
  readonly run_uuid: string;
  readonly experiment_id: string;
  readonly run_name: string;
  readonly user_id: string;
  readonly status: RunStatus;
  readonly start_time: number;
  readonly end_time?: number;
  readonly artifact_uri: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly run_id: string;
}

export interface Metric {
  readonly key: string;
  /** May be NaN, Infinity or -Infinity. */
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface MetricWithRunId extends Metric {
  readonly run_id: string;
}

export interface RunData {
  readonly metrics?: Metric[];
  readonly params?: KeyValue[];
  readonly tags?: KeyValue[];
}

export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly source_type: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
}

export interface DatasetInput {
  readonly tags?: KeyValue[];
  readonly dataset: Dataset;
}

export interface RunInputs {
  readonly dataset_inputs?: DatasetInput[];
  readonly model_inputs?: { readonly model_id: string }[];
}

export interface RunOutputs {
  readonly model_outputs?: { readonly model_id: string; readonly step: number }[];
}

export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs: RunInputs;
  readonly outputs: RunOutputs;
}

export interface LoggedModelInfo {
  readonly model_id: string;
  readonly experiment_id: string;
  readonly name: string;
  readonly creation_timestamp_ms: number;
  readonly last_updated_timestamp_ms: number;
  readonly artifact_uri: string;
  readonly status: LoggedModelStatus;
  readonly status_message?: string;
  readonly model_type: string;
  readonly source_run_id: string;
  readonly tags?: KeyValue[];
}

export interface LoggedModelMetric extends Metric {
  readonly model_id: string;
  readonly run_id: string;
  readonly dataset_name?: string;
  readonly dataset_digest?: string;
}

export interface LoggedModel {
  readonly info: LoggedModelInfo;
  readonly data: {
    readonly params?: KeyValue[];
    readonly metrics?: LoggedModelMetric[];
  };
}

// Rows as the schema (schema.ts) stores them.

export interface ExperimentRow {
  readonly experiment_id: number;
  readonly name: string;
  readonly artifact_location: string;
  readonly lifecycle_stage: string;
  readonly creation_time: number;
  readonly last_update_time: number;
}

export interface RunRow {
  readonly run_id: string;
  readonly experiment_id: number;
  readonly name: string;
  readonly user_id: string;
  readonly status: string;
  readonly start_time: number;
  readonly end_time: number | null;
  readonly lifecycle_stage: string;
  readonly artifact_uri: string;
}

export interface LoggedModelRow {
  readonly model_id: string;
  readonly experiment_id: number;
  readonly name: string;
  readonly artifact_location: string;
  readonly creation_timestamp_ms: number;
  readonly last_updated_timestamp_ms: number;
  readonly status: string;
  readonly status_message: string;
  readonly lifecycle_stage: string;
  readonly model_type: string;
  readonly source_run_id: string;
}

export interface DatasetInputRow {
  readonly name: string;
  readonly digest: string;
  readonly source_type: string;
  readonly source: string;
  readonly schema: string | null;
  readonly profile: string | null;
  readonly tags_json: string;
}

export function experimentFromRow(row: ExperimentRow, tags: KeyValue[]): Experiment {
  return {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage as LifecycleStage,
    last_update_time: row.last_update_time,
    creation_time: row.creation_time,
    ...nonEmpty('tags', tags),
  };
}

export function runInfoFromRow(row: RunRow): RunInfo {
  return {
    run_uuid: row.run_id,
    experiment_id: String(row.experiment_id),
    run_name: row.name,
    user_id: row.user_id,
    status: row.status as RunStatus,
    start_time: row.start_time,
    ...(row.end_time === null ? {} : { end_time: row.end_time }),
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage as LifecycleStage,
    run_id: row.run_id,
  };
}

/** SQLite stores NaN as NULL, so NaN lives in `is_nan` (as in MLflow's own SQL store). */
export function metricValue(row: { readonly value: number | null; readonly is_nan: number }): number {
  return row.is_nan ? NaN : (row.value ?? NaN);
}

export function datasetInputFromRow(row: DatasetInputRow): DatasetInput {
  const tags = JSON.parse(row.tags_json) as KeyValue[];
  return {
    ...nonEmpty('tags', tags),
    dataset: {
      name: row.name,
      digest: row.digest,
      source_type: row.source_type,
      source: row.source,
      ...(row.schema === null ? {} : { schema: row.schema }),
      ...(row.profile === null ? {} : { profile: row.profile }),
    },
  };
}

export function loggedModelInfoFromRow(row: LoggedModelRow, tags: KeyValue[]): LoggedModelInfo {
  return {
    model_id: row.model_id,
    experiment_id: String(row.experiment_id),
    name: row.name,
    creation_timestamp_ms: row.creation_timestamp_ms,
    last_updated_timestamp_ms: row.last_updated_timestamp_ms,
    artifact_uri: row.artifact_location,
    status: row.status as LoggedModelStatus,
    ...(row.status_message ? { status_message: row.status_message } : {}),
    model_type: row.model_type,
    source_run_id: row.source_run_id,
    ...nonEmpty('tags', tags),
  };
}

/** Proto3 JSON leaves out empty repeated fields. */
export function nonEmpty<K extends string, T>(key: K, list: T[]): { [P in K]?: T[] } {
  return (list.length > 0 ? { [key]: list } : {}) as { [P in K]?: T[] };
}
