import type { Experiment } from '../../core/entities';
import { parseRemoteAddress } from '../../protocol/runAddress';
import { MlflowError, notFound } from '../../core/errors';
import type { TrackingStore } from '../../core/store/trackingStore';
import type { TraceStore } from '../../core/traces/traceStore';
import type { ArtifactListing, LoggedModelSummary } from '../../protocol/dashboards/runRequests';
import { listArtifactsDeep } from '../artifactListing';
import { DashboardError } from '../dashboardError';
import { requestLimits } from '../requestLimits';
import { noLocalStore, type ResolvedRun, type RunSources } from '../runSources';

/** What every dashboard's handlers read from: the store, its traces, local and remote runs, the clock. */
export interface DashboardContext {
  /** Undefined for a reader of remote servers only (dashboardService.ts). */
  readonly tracking: TrackingStore | undefined;
  readonly traces: TraceStore | undefined;
  readonly sources: RunSources;
  /** The clock, for the duration of running runs. */
  readonly now: () => number;
}

export function traceStoreOf(context: DashboardContext): TraceStore {
  if (context.traces === undefined) throw new DashboardError('unavailable', 'Traces are not available here.');
  return context.traces;
}

export function localStoreOf(context: DashboardContext): TrackingStore {
  if (context.tracking === undefined) throw noLocalStore();
  return context.tracking;
}

/** A run's experiment as the views name it, or undefined when it is gone (the run still shows). */
export function experimentOf({ source, stored }: ResolvedRun): Experiment | undefined {
  try {
    return source.presentExperiment(source.tracking.getExperiment(stored.info.experiment_id));
  } catch (error) {
    if (MlflowError.is(error)) return undefined;
    throw error;
  }
}

export function artifactsOf(run: ResolvedRun) {
  const artifacts = run.source.artifactsOf(run.stored);
  if (artifacts === undefined) throw notFound(`This run's artifacts (${run.stored.info.artifact_uri}) are not kept in this RunLens store.`);
  return artifacts;
}

/**
 * A run's artifacts below `folder`, depth first. A remote server that cannot list them leaves the
 * listing empty, with a note why, rather than failing the whole view.
 */
export async function listArtifacts(run: ResolvedRun, folder: string, maxItems: number, notes: string[]): Promise<ArtifactListing> {
  const artifacts = run.source.artifactsOf(run.stored);
  if (artifacts === undefined) return { items: [], truncated: false };
  try {
    return await listArtifactsDeep(artifacts, folder, maxItems);
  } catch (error) {
    if (!run.source.remote || !DashboardError.is(error, 'unavailable')) throw error;
    notes.push(`Artifacts could not be listed: ${error.message}`);
    return { items: [], truncated: false };
  }
}

/** The models the run logged; like its artifacts, a remote server that cannot list them leaves a note. */
export async function listLoggedModels(run: ResolvedRun, notes: string[]): Promise<LoggedModelSummary[]> {
  try {
    return await run.source.loggedModelsOf(run.stored);
  } catch (error) {
    if (!run.source.remote || !DashboardError.is(error, 'unavailable')) throw error;
    notes.push(`Logged models could not be listed: ${error.message}`);
    return [];
  }
}

/**
 * Remote runs copied with their whole histories, for min and max: at most `remoteHistoryRuns`,
 * since each costs a request per metric on the server.
 */
export async function remoteHistories(context: DashboardContext, runIds: readonly string[], what: string): Promise<ResolvedRun[]> {
  const remote = runIds.filter((id) => parseRemoteAddress(id) !== undefined).length;
  if (remote > requestLimits.remoteHistoryRuns) {
    throw new DashboardError(
      'invalidParams',
      `Min and max need each remote run's whole metric history; ${what} has ${remote} remote runs, and RunLens reads at most ${requestLimits.remoteHistoryRuns}: filter them, or use last values.`,
    );
  }
  return context.sources.runs(runIds, 'full');
}
