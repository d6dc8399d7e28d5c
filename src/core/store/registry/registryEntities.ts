/**
 * The Model Registry's entities as the store returns them: MLflow's RegisteredModel and
 * ModelVersion, in camelCase. The server turns them into MLflow's wire shape (registryWire.ts).
 */

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';

export interface RegistryTag {
  readonly key: string;
  readonly value: string;
}

export interface RegisteredModelAlias {
  readonly alias: string;
  readonly version: number;
}

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  readonly userId: string;
  readonly currentStage: Stage;
  /** What the client registered: `models:/<model_id>`, `runs:/<run_id>/path` or any URI. */
  readonly source: string;
  readonly runId: string;
  readonly runLink: string;
  readonly status: 'READY';
  readonly statusMessage: string;
  /** Where the artifacts are: `source` resolved through the logged model or the run. */
  readonly storageLocation: string;
  readonly modelId: string;
  readonly tags: readonly RegistryTag[];
  /** The aliases that point at this version. */
  readonly aliases: readonly string[];
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  /** The greatest version in each stage, as MLflow's `latest_versions`. */
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: readonly RegistryTag[];
  readonly aliases: readonly RegisteredModelAlias[];
}

export interface CreateModelVersionInput {
  readonly name: string;
  readonly source: string;
  readonly runId?: string;
  readonly modelId?: string;
  readonly runLink?: string;
  readonly description?: string;
  readonly tags?: readonly RegistryTag[];
}
