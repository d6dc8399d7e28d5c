import type { ArtifactStore } from '../../core/store/artifactStore';
import type { TrackingStore } from '../../core/store/trackingStore';
import { MlflowRestClient, RemoteUnavailableError, type RestClientOptions } from '../client/mlflowRestClient';
import type { PushCounts, PushContext, PushNote } from './pushContext';
import { pushRun } from './pushRun';
import { RemoteExperiments } from '../client/remoteExperiments';
import { hostKey, type RemoteServer } from '../client/remoteServer';
import { syncTagKeys } from '../client/syncTags';

export interface PushSource {
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
}

/** Which local runs to push: these runs, the active runs of these experiments (names or ids), or every active run. */
export interface PushSelection {
  readonly runIds?: readonly string[];
  readonly experiments?: readonly string[];
}

export interface PushOptions extends RestClientOptions {
  readonly onProgress?: (update: { readonly done: number; readonly total: number; readonly message: string }) => void;
}

export interface PushSummary {
  readonly server: string;
  readonly runs: { readonly pushed: number; readonly upToDate: number; readonly failed: number };
  readonly counts: Readonly<PushCounts>;
  readonly notes: readonly PushNote[];
  readonly failures: readonly { readonly runId: string; readonly reason: string }[];
  /** Set when the server stayed unreachable: the push stopped there, and running it again resumes. */
  readonly interrupted?: string;
  readonly durationMs: number;
}

/**
 * Pushes local runs to a remote MLflow tracking server: experiments matched by name, runs created
 * once and remembered in local tags, then only what the server does not have yet. One run's
 * failure (a refused request) is recorded and the next run goes on; a server that stays
 * unreachable through the retries stops the push, to be resumed by pushing again.
 */
export async function pushRuns(source: PushSource, selection: PushSelection, server: RemoteServer, options: PushOptions = {}): Promise<PushSummary> {
  const started = Date.now();
  const client = new MlflowRestClient(server, options);
  const runIds = selectRuns(source.tracking, selection);
  let done = 0;
  const context: PushContext = {
    client,
    tracking: source.tracking,
    artifacts: source.artifacts,
    keys: syncTagKeys(hostKey(client.baseUrl)),
    experiments: new RemoteExperiments(client),
    counts: { runsCreated: 0, metricPoints: 0, params: 0, tags: 0, loggedModelsCreated: 0, files: 0, bytes: 0 },
    notes: [],
    signal: options.signal,
    onActivity: (message) => options.onProgress?.({ done, total: runIds.length, message }),
  };
  let pushed = 0;
  let interrupted: string | undefined;
  const failures: { runId: string; reason: string }[] = [];
  for (const runId of runIds) {
    options.signal?.throwIfAborted();
    try {
      if (await pushRun(context, runId)) pushed += 1;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (RemoteUnavailableError.is(error)) {
        interrupted = error.message;
        failures.push({ runId, reason: error.message });
        break;
      }
      failures.push({ runId, reason: (error as Error).message });
    }
    done += 1;
    options.onProgress?.({ done, total: runIds.length, message: `run ${runId}` });
  }
  return {
    server: client.baseUrl,
    runs: { pushed, upToDate: done - pushed - failures.length + (interrupted ? 1 : 0), failed: failures.length },
    counts: context.counts,
    notes: context.notes,
    failures,
    ...(interrupted ? { interrupted } : {}),
    durationMs: Date.now() - started,
  };
}

function selectRuns(tracking: TrackingStore, selection: PushSelection): string[] {
  if (selection.runIds && selection.runIds.length > 0) return [...new Set(selection.runIds)];
  const experiments = tracking.listExperiments('ACTIVE_ONLY');
  const chosen = (selection.experiments ?? []).map((selector) => {
    const found = experiments.find((e) => e.name === selector) ?? experiments.find((e) => e.experiment_id === selector);
    if (!found) throw new Error(`No active experiment is named or numbered '${selector}'.`);
    return found.experiment_id;
  });
  const experimentIds = chosen.length > 0 ? chosen : experiments.map((e) => e.experiment_id);
  const runIds: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = tracking.searchRuns({ experimentIds, runViewType: 'ACTIVE_ONLY', maxResults: 1000, pageToken, orderBy: ['start_time ASC'] });
    runIds.push(...page.runs.map((run) => run.info.run_id));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return runIds;
}
