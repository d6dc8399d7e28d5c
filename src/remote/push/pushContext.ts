import type { ArtifactStore } from '../../core/store/artifactStore';
import type { TrackingStore } from '../../core/store/trackingStore';
import type { MlflowRestClient } from '../client/mlflowRestClient';
import type { UploadCounts } from './pushArtifacts';
import type { RemoteExperiments } from '../client/remoteExperiments';
import type { SyncTagKeys } from '../client/syncTags';

/** What a push has sent, summed over its runs. */
export interface PushCounts extends UploadCounts {
  runsCreated: number;
  metricPoints: number;
  params: number;
  tags: number;
  loggedModelsCreated: number;
  registeredModelsCreated: number;
  modelVersionsCreated: number;
}

/** Something the push left as it was, and why (a param the server holds with another value, say). */
export interface PushNote {
  /** What it concerns: `run <id>` or `model <name>`. */
  readonly subject: string;
  readonly message: string;
}

/** Everything the steps of a push share. */
export interface PushContext {
  readonly client: MlflowRestClient;
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
  readonly keys: SyncTagKeys;
  readonly experiments: RemoteExperiments;
  readonly counts: PushCounts;
  readonly notes: PushNote[];
  readonly signal?: AbortSignal;
  /** A line about what is being sent now. */
  readonly onActivity?: (message: string) => void;
}
