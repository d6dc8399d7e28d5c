import type { KeyValue, Metric } from '../../core/entities';
import type { LoggedModelMetricSummary, LoggedModelSummary } from '../../core/runs/runReadModels';

/**
 * What the browser shows of a remote server's entities, read tolerantly from MLflow's replies:
 * int64 fields may arrive as strings (proto3 JSON), and any field may be missing from an older server.
 */
export interface RemoteExperimentSummary {
  readonly experimentId: string;
  readonly name: string;
  readonly lifecycleStage: string;
}

export interface RemoteRunSummary {
  readonly runId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly status: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly userId: string;
  readonly params: readonly KeyValue[];
  /** The latest value of each metric, as runs/search and runs/get return them. */
  readonly metrics: readonly Metric[];
  readonly tags: readonly KeyValue[];
  /** Where the server keeps the run's artifacts (`mlflow-artifacts:/…` when it proxies them). */
  readonly artifactUri: string;
  readonly lifecycleStage: string;
  readonly datasetInputs: readonly RemoteDatasetInput[];
}

/** A dataset the run logged as an input, with the input's tags (`mlflow.data.context`). */
export interface RemoteDatasetInput {
  readonly tags: readonly KeyValue[];
  readonly dataset: {
    readonly name: string;
    readonly digest: string;
    readonly sourceType: string;
    readonly source: string;
    readonly schema?: string;
    readonly profile?: string;
  };
}

export interface RemoteModelSummary {
  readonly name: string;
  readonly description: string;
  readonly latestVersion?: number;
  readonly aliases: readonly { readonly alias: string; readonly version: number }[];
}

export interface RemoteVersionSummary {
  readonly name: string;
  readonly version: number;
  readonly stage: string;
  readonly aliases: readonly string[];
  readonly runId: string;
  readonly source: string;
  readonly creationTimestamp?: number;
}

/** One page of a listing, and the token for the next when there is one. */
export interface RemotePage<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

type Wire = Record<string, unknown>;

export function experimentSummary(wire: Wire): RemoteExperimentSummary {
  return { experimentId: text(wire.experiment_id), name: text(wire.name), lifecycleStage: text(wire.lifecycle_stage) || 'active' };
}

export function runSummary(wire: Wire): RemoteRunSummary {
  const info = (wire.info ?? {}) as Wire;
  const data = (wire.data ?? {}) as Wire;
  const tags = keyValues(data.tags);
  const runId = text(info.run_id) || text(info.run_uuid);
  return {
    runId,
    experimentId: text(info.experiment_id),
    name: text(info.run_name) || tags.find((tag) => tag.key === 'mlflow.runName')?.value || runId,
    status: text(info.status) || 'RUNNING',
    startTime: optionalNumber(info.start_time),
    endTime: optionalNumber(info.end_time),
    userId: text(info.user_id),
    params: keyValues(data.params),
    metrics: Array.isArray(data.metrics) ? (data.metrics as Wire[]).map(metric) : [],
    tags,
    artifactUri: text(info.artifact_uri),
    lifecycleStage: text(info.lifecycle_stage) || 'active',
    datasetInputs: datasetInputs((wire.inputs ?? {}) as Wire),
  };
}

function datasetInputs(inputs: Wire): RemoteDatasetInput[] {
  if (!Array.isArray(inputs.dataset_inputs)) return [];
  return (inputs.dataset_inputs as Wire[]).map((input) => {
    const dataset = (input.dataset ?? {}) as Wire;
    return {
      tags: keyValues(input.tags),
      dataset: {
        name: text(dataset.name),
        digest: text(dataset.digest),
        sourceType: text(dataset.source_type),
        source: text(dataset.source),
        ...(typeof dataset.schema === 'string' ? { schema: dataset.schema } : {}),
        ...(typeof dataset.profile === 'string' ? { profile: dataset.profile } : {}),
      },
    };
  });
}

export function metric(wire: Wire): Metric {
  return { key: text(wire.key), value: metricNumber(wire.value), timestamp: optionalNumber(wire.timestamp) ?? 0, step: optionalNumber(wire.step) ?? 0 };
}

export function modelSummary(wire: Wire): RemoteModelSummary {
  const latest = Array.isArray(wire.latest_versions) ? (wire.latest_versions as Wire[]).map((v) => optionalNumber(v.version) ?? 0) : [];
  const aliases = Array.isArray(wire.aliases)
    ? (wire.aliases as Wire[]).map((a) => ({ alias: text(a.alias), version: optionalNumber(a.version) ?? 0 }))
    : [];
  return {
    name: text(wire.name),
    description: text(wire.description),
    latestVersion: latest.length > 0 ? Math.max(...latest) : undefined,
    aliases,
  };
}

export function loggedModelSummary(wire: Wire): LoggedModelSummary {
  const info = (wire.info ?? {}) as Wire;
  return {
    modelId: text(info.model_id),
    name: text(info.name),
    status: text(info.status),
    artifactUri: text(info.artifact_uri),
    creationTime: optionalNumber(info.creation_timestamp_ms) ?? 0,
    metrics: Array.isArray((wire.data as Wire | undefined)?.metrics) ? ((wire.data as Wire).metrics as Wire[]).map(modelMetric) : [],
  };
}

function modelMetric(wire: Wire): LoggedModelMetricSummary {
  const datasetName = text(wire.dataset_name);
  const datasetDigest = text(wire.dataset_digest);
  return {
    key: text(wire.key),
    value: metricNumber(wire.value),
    step: optionalNumber(wire.step) ?? 0,
    timestamp: optionalNumber(wire.timestamp) ?? 0,
    ...(datasetName ? { datasetName } : {}),
    ...(datasetDigest ? { datasetDigest } : {}),
  };
}

export function versionSummary(wire: Wire): RemoteVersionSummary {
  return {
    name: text(wire.name),
    version: optionalNumber(wire.version) ?? 0,
    stage: text(wire.current_stage) || 'None',
    aliases: Array.isArray(wire.aliases) ? (wire.aliases as unknown[]).map(text) : [],
    runId: text(wire.run_id),
    source: text(wire.source),
    creationTimestamp: optionalNumber(wire.creation_timestamp),
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function optionalNumber(value: unknown): number | undefined {
  const parsed = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}

/** Metric values keep NaN and the infinities, which proto3 JSON spells as strings. */
function metricNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return Number(value);
}

function keyValues(value: unknown): KeyValue[] {
  return Array.isArray(value) ? (value as Wire[]).map((item) => ({ key: text(item.key), value: text(item.value) })) : [];
}
