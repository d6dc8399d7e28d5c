import type { CompareCandidatesResult, CompareModel, CompareRunPart, CompareRunsResult } from '../../protocol/dashboards/compareRequests';
import type { MetricAggregation, MetricDirection, MetricSummary, RunRef } from '../../protocol/dashboards/shapes';
import type { ArtifactListing } from '../../protocol/dashboards/runRequests';
import { parseRemoteAddress, remoteAddress } from '../../protocol/runAddress';
import { runArtifacts } from '../codeState';
import { buildCompareModel } from '../compareModel';
import type { ParamsReader } from '../requestParams';
import { requestLimits } from '../requestLimits';
import { runRefOf } from '../runModel';
import type { ResolvedRun } from '../runSources';
import { experimentOf, listArtifacts, type DashboardContext } from './dashboardContext';

// The compare dashboard's requests: the runs side by side, and the runs its picker offers.

export async function compareRuns(context: DashboardContext, p: ParamsReader): Promise<CompareModel> {
  const request = compareRequestOf(p);
  return compareModelOf(await compareRunParts(context, request.runIds), request, context.now());
}

/** What compare/get asks: its runs, and how their metrics are compared. */
export interface CompareRequestOptions {
  readonly runIds: readonly string[];
  readonly directions: Readonly<Record<string, MetricDirection>>;
  readonly aggregation: MetricAggregation | undefined;
  readonly onlyDifferences: boolean | undefined;
}

export function compareRequestOf(p: ParamsReader): CompareRequestOptions {
  return {
    runIds: p.stringList('runIds', { min: 2, max: requestLimits.compareRuns }),
    directions: p.directions('directions'),
    aggregation: p.oneOf<MetricAggregation>('aggregation', ['last', 'min', 'max']),
    onlyDifferences: p.optionalBoolean('onlyDifferences'),
  };
}

/** compare/runs: what the comparison reads of each run (compare/get is these, side by side). */
export async function compareRunParts(context: DashboardContext, runIds: readonly string[]): Promise<CompareRunsResult> {
  const resolved = await context.sources.runs(runIds, 'full');
  const summaries = context.sources.summaries(resolved);
  const experiments = resolved.map((run) => experimentOf(run));
  const notes = context.sources.notes(resolved);
  const launchArtifacts = await Promise.all(resolved.map((run) => launchArtifactsOf(run)));
  const runs = resolved.map(({ run, address, source }, index): CompareRunPart => {
    const experiment = experiments[index];
    return {
      run,
      ...(experiment ? { experiment } : {}),
      metrics: [...(summaries.get(address) ?? new Map<string, MetricSummary>())],
      launchArtifacts: launchArtifacts[index],
      ...(context.traces && !source.remote ? { traces: context.traces.runTraceStats(run.info.run_id) } : {}),
    };
  });
  return notes.length > 0 ? { runs, notes } : { runs };
}

/** The comparison of the runs' parts, read by one process or, in a guest window, by two. */
export function compareModelOf(parts: CompareRunsResult, request: CompareRequestOptions, now: number): CompareModel {
  const model = buildCompareModel({
    runs: parts.runs.map((part) => ({ ...part, metrics: new Map(part.metrics) })),
    directions: request.directions,
    aggregation: request.aggregation,
    onlyDifferences: request.onlyDifferences,
    now,
  });
  const notes = parts.notes ?? [];
  return notes.length > 0 ? { ...model, notes } : model;
}

/** The run's `runlens/` artifacts (the launcher's output log and captured diff). */
async function launchArtifactsOf(run: ResolvedRun): Promise<ArtifactListing> {
  const folder = runArtifacts.launchFolder.replace(/\/$/, '');
  const listing = await listArtifacts(run, folder, 100, []);
  return { ...listing, items: listing.items.map((item) => ({ ...item, path: `${folder}/${item.path}` })) };
}

/**
 * The workspace's runs and the added remote servers' runs that match, together: the preferred
 * experiment's first, then newest first. A server that does not answer within a few seconds is
 * left out, with a note.
 */
export async function compareCandidates(context: DashboardContext, p: ParamsReader): Promise<CompareCandidatesResult> {
  const query = p.string('query', requestLimits.queryLength).trim().toLowerCase();
  const exclude = new Set(p.optionalStringList('excludeRunIds', { min: 0, max: requestLimits.compareRuns }) ?? []);
  const { preferred, limit } = candidateOrderOf(p);
  const notes: string[] = [];
  const remote = await Promise.all(
    context.sources.remoteServers().map(async (server) => {
      try {
        return await withDeadline(remoteCandidates(context, server.url, query, exclude, preferred, limit), requestLimits.remoteSearchMs);
      } catch (error) {
        notes.push(`${server.name}: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      }
    }),
  );
  return candidatesInOrder([{ runs: localCandidates(context, query, exclude, preferred, limit), notes }, { runs: remote.flat() }], { preferred, limit });
}

/** Which experiment's runs compare/candidates offers first, and how many it offers. */
export function candidateOrderOf(p: ParamsReader): { readonly preferred: string | undefined; readonly limit: number } {
  return {
    preferred: p.optionalString('experimentId'),
    limit: p.optionalInteger('limit', 1, requestLimits.candidates) ?? requestLimits.defaultCandidates,
  };
}

/** Candidates found in several places, together: the preferred experiment's first, then newest first. */
export function candidatesInOrder(
  found: readonly { readonly runs: readonly RunRef[]; readonly notes?: readonly string[] }[],
  { preferred, limit }: { readonly preferred: string | undefined; readonly limit: number },
): CompareCandidatesResult {
  const all = found.flatMap((part) => part.runs);
  const notes = found.flatMap((part) => part.notes ?? []);
  const newestFirst = (a: RunRef, b: RunRef) => b.startTime - a.startTime;
  const runs = [...all.filter((run) => run.experimentId === preferred).sort(newestFirst), ...all.filter((run) => run.experimentId !== preferred).sort(newestFirst)];
  return { runs: runs.slice(0, limit), ...(notes.length > 0 ? { notes } : {}) };
}

async function remoteCandidates(context: DashboardContext, url: string, query: string, exclude: ReadonlySet<string>, preferred: string | undefined, limit: number): Promise<RunRef[]> {
  const source = await context.sources.remoteSource(url);
  const preferredHere = preferred === undefined ? undefined : parseRemoteAddress(preferred);
  const found = await context.sources.reach(source, () =>
    source.remote!.mirror.search.find(query, limit, preferredHere?.serverUrl === url ? preferredHere.id : undefined),
  );
  const server = source.remote!.server;
  return found
    .map(({ run, experimentName }): RunRef => ({
      runId: remoteAddress(url, run.runId),
      name: run.name,
      experimentId: remoteAddress(url, run.experimentId),
      experimentName: `${experimentName} (${server.name})`,
      status: run.status as RunRef['status'],
      startTime: run.startTime ?? 0,
    }))
    .filter((run) => !exclude.has(run.runId));
}

/** The workspace's runs whose name or id contains the query: the preferred experiment's first, then newest first. */
function localCandidates(context: DashboardContext, query: string, exclude: ReadonlySet<string>, preferred: string | undefined, limit: number): RunRef[] {
  const tracking = context.tracking;
  // A reader of remote servers only has no workspace runs to offer.
  if (tracking === undefined) return [];
  const experiments = tracking.listExperiments();
  const names = new Map(experiments.map((experiment) => [experiment.experiment_id, experiment.name]));
  const order = [
    ...experiments.filter((e) => e.experiment_id === preferred),
    ...(experiments.some((e) => e.experiment_id !== preferred) ? [undefined] : []),
  ];
  const found: RunRef[] = [];
  for (const experiment of order) {
    const experimentIds = experiment
      ? [experiment.experiment_id]
      : experiments.filter((e) => e.experiment_id !== preferred).map((e) => e.experiment_id);
    let pageToken: string | undefined;
    do {
      const page = tracking.searchRuns({ experimentIds, orderBy: ['attributes.start_time DESC'], maxResults: 1000, pageToken });
      for (const run of page.runs) {
        if (exclude.has(run.info.run_id)) continue;
        if (query !== '' && !run.info.run_name.toLowerCase().includes(query) && !run.info.run_id.includes(query)) continue;
        found.push(runRefOf(run, names.get(run.info.experiment_id) ?? ''));
        if (found.length >= limit) return found;
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  }
  return found;
}


/** The promise's answer, or a rejection saying it took too long. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
