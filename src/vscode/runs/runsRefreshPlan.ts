import type { RunsQuery } from '../../core/search/runsQuery';
import type { StoreChanges } from '../../core/store/storeChange';

/** The one order a write cannot change: a run's start time is set when it is created. */
const startTimeField = 'attributes.start_time';

/** What the Runs view reads after a burst of writes, from what the burst changed. */
export interface RunsRefreshPlan {
  /** Read the experiments and every loaded page (the changes do not say, or say everything changed). */
  readonly everything: boolean;
  /** Read the experiments' summaries: names, run counts, counts of runs the filter matches. */
  readonly summaries: boolean;
  /** Count and search the trace groups shown again. */
  readonly traces: boolean;
  /** Loaded experiments whose page is read again whole (its runs came, went or may have moved). */
  readonly pages: ReadonlySet<string>;
  /** Runs read by id: each is compared with its node, or, if it may have moved, its experiment's page is read. */
  readonly runIds: readonly string[];
  /** Whether a changed run may have moved in, out of or within its page (a filter, or an order by its data). */
  readonly runsMove: boolean;
}

/** What the view has loaded: the experiments whose pages it keeps current, and whether a run is on one. */
export interface LoadedRuns {
  readonly experimentIds: Iterable<string>;
  isLoaded(runId: string): boolean;
}

/**
 * The reads a burst of writes calls for, proportional to what it changed rather than to what is
 * loaded: a script logging to one run costs one small read of that run. A run's data can move it
 * only when a filter or the order looks at its data (start time never changes), so with the default
 * view a changed run that is not loaded is not read at all.
 */
export function planRunsRefresh(changes: StoreChanges, query: RunsQuery, loaded: LoadedRuns): RunsRefreshPlan {
  const runsMove = query.filter.trim() !== '' || query.sort.field !== startTimeField;
  if (changes.all || changes.allRuns) return { everything: true, summaries: true, traces: true, pages: new Set(), runIds: [], runsMove };
  const pages = new Set([...loaded.experimentIds].filter((experimentId) => changes.runLists.has(experimentId)));
  const runIds = [...changes.runs].filter((runId) => runsMove || loaded.isLoaded(runId));
  return {
    everything: false,
    summaries: changes.touches('experiments') || changes.runLists.size > 0 || (query.filter.trim() !== '' && changes.runs.size > 0),
    traces: changes.touches('traces'),
    pages,
    runIds,
    runsMove,
  };
}
