import type { Run, ViewType } from '../entities';
import type { TrackingStore } from '../store/trackingStore';

/** The order of a list of runs: a field of MLflow's search language, e.g. `metrics.loss`. */
export interface RunOrder {
  readonly field: string;
  readonly ascending: boolean;
}

/** What the view shows: the filter in MLflow's language, the order, and whether deleted runs count. */
export interface RunsQuery {
  readonly filter: string;
  readonly sort: RunOrder;
  readonly showDeleted: boolean;
}

export interface ExperimentSummary {
  readonly experimentId: string;
  readonly name: string;
  readonly runCount: number;
  /** While a filter applies: how many of the runs it matches (undefined when the filter cannot be read). */
  readonly matchCount?: number;
}

function viewTypeOf(query: Pick<RunsQuery, 'showDeleted'>): ViewType {
  return query.showDeleted ? 'ALL' : 'ACTIVE_ONLY';
}

function orderByClause(sort: RunOrder): string {
  return `${sort.field} ${sort.ascending ? 'ASC' : 'DESC'}`;
}

/**
 * The active experiments that hold runs (deleted runs count when the view shows them), in creation
 * order; with a filter, each says how many of its runs match.
 */
export function experimentsWithRuns(tracking: TrackingStore, query: Pick<RunsQuery, 'showDeleted' | 'filter'>): ExperimentSummary[] {
  const viewType = viewTypeOf(query);
  return tracking
    .listExperiments()
    .map((e) => ({ experimentId: e.experiment_id, name: e.name, runCount: tracking.countRuns(e.experiment_id, viewType) }))
    .filter((e) => e.runCount > 0)
    .map((e) => (query.filter ? { ...e, matchCount: matchingRuns(tracking, e.experimentId, viewType, query.filter) } : e));
}

/** A filter that cannot be read says so in the experiment's children; its count is then unknown. */
function matchingRuns(tracking: TrackingStore, experimentId: string, viewType: ViewType, filter: string): number | undefined {
  try {
    return tracking.countRuns(experimentId, viewType, filter);
  } catch {
    return undefined;
  }
}

/** The first `limit` runs of an experiment in the view's filter and order, and whether more follow. */
export function queryRunPage(tracking: TrackingStore, experimentId: string, query: RunsQuery, limit: number): { runs: Run[]; hasMore: boolean } {
  const page = tracking.searchRuns({
    experimentIds: [experimentId],
    filter: query.filter,
    orderBy: [orderByClause(query.sort)],
    runViewType: viewTypeOf(query),
    maxResults: limit,
  });
  return { runs: page.runs, hasMore: page.nextPageToken !== undefined };
}

/** Everything a run's item and sections show; a change in it is what makes a run refresh. */
export function runFingerprint(run: Run): string {
  const { info, data } = run;
  return JSON.stringify([info.run_name, info.status, info.end_time, info.lifecycle_stage, data.metrics, data.params, data.tags]);
}

/** How many of the oldest runs are looked at for the default primary metric. */
const oldestRunsLookedAt = 20;

/**
 * The experiment's default primary metric: the metric logged first, in the oldest run that logged
 * any (its first point's time, then its name). Undefined while no run has metrics.
 */
export function firstLoggedMetric(tracking: TrackingStore, experimentId: string): string | undefined {
  const oldest = tracking.searchRuns({
    experimentIds: [experimentId],
    orderBy: ['attributes.start_time ASC'],
    runViewType: 'ALL',
    maxResults: oldestRunsLookedAt,
  });
  const run = oldest.runs.find((r) => (r.data.metrics?.length ?? 0) > 0);
  if (!run) return undefined;
  let first: { key: string; time: number } | undefined;
  for (const { key } of run.data.metrics ?? []) {
    const time = tracking.getMetricHistory(run.info.run_id, key, { maxResults: 1 }).metrics[0]?.timestamp ?? Infinity;
    if (!first || time < first.time || (time === first.time && key < first.key)) first = { key, time };
  }
  return first?.key;
}

/**
 * Where each run sits: under its parent (tag mlflow.parentRunId) when the parent is among `runs`,
 * else at the top. A cycle of parents (which a buggy script could log) leaves its runs at the top.
 */
export function parentsWithin<T>(runs: readonly T[], parentOf: (run: T) => string | undefined, idOf: (run: T) => string): Map<string, string | undefined> {
  const ids = new Set(runs.map(idOf));
  const declared = new Map(runs.map((r) => [idOf(r), parentOf(r)] as const));
  const placed = new Map<string, string | undefined>();
  for (const run of runs) {
    const id = idOf(run);
    const parent = declared.get(id);
    placed.set(id, parent !== undefined && ids.has(parent) && !leadsBackTo(id, parent, declared, ids) ? parent : undefined);
  }
  return placed;
}

function leadsBackTo(id: string, parent: string, declared: ReadonlyMap<string, string | undefined>, ids: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  for (let current: string | undefined = parent; current !== undefined && ids.has(current); current = declared.get(current)) {
    if (current === id) return true;
    if (seen.has(current)) return false;
    seen.add(current);
  }
  return false;
}
