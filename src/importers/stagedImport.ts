import type { Dataset, KeyValue, LifecycleStage, LoggedModelStatus, RunStatus } from '../core/entities';
import type { MetricInput } from '../core/store/tracking/metricWrites';

/**
 * MLflow data read from an mlruns/ folder or an mlflow.db, held in memory in RunLens's terms until
 * it is written to the store in one transaction. Ids are the source's; the import plan maps them.
 */
export interface StagedImport {
  readonly format: ImportFormat;
  /** The mlruns/ folder or the mlflow.db file. */
  readonly source: string;
  readonly experiments: StagedExperiment[];
  readonly runs: StagedRun[];
  readonly loggedModels: StagedLoggedModel[];
  readonly registeredModels: StagedRegisteredModel[];
  /** What could not be read: reported, never fatal to the rest. */
  readonly skipped: SkippedItem[];
}

export type ImportFormat = 'mlruns' | 'mlflow.db';

export interface SkippedItem {
  /** A file or folder, a `file:line`, or `mlflow.db: table ...`. */
  readonly path: string;
  readonly reason: string;
}

/** Where an entity's artifacts are on this machine, if anywhere. */
export type ArtifactLocation =
  | { readonly kind: 'folder'; readonly path: string }
  /** Not a local folder (s3://, a server, ...), or a local one that no longer exists. */
  | { readonly kind: 'unavailable'; readonly reason?: string };

export interface StagedExperiment {
  readonly sourceId: string;
  readonly name: string;
  readonly lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: KeyValue[];
  readonly origin: string;
}

export interface StagedDatasetInput {
  readonly dataset: Dataset;
  readonly tags: KeyValue[];
}

export interface StagedRun {
  readonly runId: string;
  readonly sourceExperimentId: string;
  readonly name: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly lifecycleStage: LifecycleStage;
  readonly deletedTime: number | null;
  /** The artifact URI the source recorded. */
  readonly artifactUri: string;
  readonly artifacts: ArtifactLocation;
  readonly params: KeyValue[];
  readonly tags: KeyValue[];
  readonly metrics: MetricInput[];
  readonly datasetInputs: StagedDatasetInput[];
  readonly modelInputs: string[];
  readonly modelOutputs: { readonly modelId: string; readonly step: number }[];
  readonly origin: string;
}

/** A point of a logged model's metrics: a run metric point linked to the model. */
export interface StagedModelMetric extends MetricInput {
  readonly runId: string;
}

export interface StagedLoggedModel {
  readonly modelId: string;
  readonly sourceExperimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly artifacts: ArtifactLocation;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly status: LoggedModelStatus;
  readonly statusMessage: string;
  readonly lifecycleStage: LifecycleStage;
  readonly modelType: string;
  readonly sourceRunId: string;
  readonly params: KeyValue[];
  readonly tags: KeyValue[];
  readonly metrics: StagedModelMetric[];
  readonly origin: string;
}

export interface StagedModelVersion {
  readonly version: number;
  readonly creationTime: number;
  readonly lastUpdatedTime: number;
  readonly description: string;
  readonly userId: string;
  /** As the source spells it; canonicalized on write. */
  readonly currentStage: string;
  readonly source: string;
  readonly runId: string;
  readonly runLink: string;
  readonly status: string;
  readonly statusMessage: string;
  readonly storageLocation: string;
  readonly modelId: string;
  readonly tags: KeyValue[];
  readonly origin: string;
}

export interface StagedRegisteredModel {
  readonly name: string;
  readonly creationTime: number;
  readonly lastUpdatedTime: number;
  readonly description: string;
  readonly tags: KeyValue[];
  readonly aliases: { readonly alias: string; readonly version: number }[];
  readonly versions: StagedModelVersion[];
  readonly origin: string;
}

/** Told after each unit (a run, a model) is read, copied or written. */
export type ImportProgress = (update: { readonly done: number; readonly total: number; readonly message: string }) => void;

/** How a source reader is driven: the signal is checked between units, progress told after each. */
export interface SourceReadOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ImportProgress;
}
