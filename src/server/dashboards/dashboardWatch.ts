import type { DashboardState } from '../../protocol/dashboards/state';

/** What an open dashboard shows of the store, so that only changes to it are announced. */
export interface DashboardWatch {
  readonly runIds?: readonly string[];
  readonly experimentIds?: readonly string[];
}

export function watchOf(state: DashboardState): DashboardWatch {
  switch (state.kind) {
    case 'run':
      return { runIds: [state.runId] };
    case 'compare':
      return { runIds: state.runIds };
    case 'experiment':
      return { experimentIds: [state.experimentId] };
    case 'trace':
      // A trace is read whole when opened; its viewer refreshes on request, not on run changes.
      return { runIds: [] };
  }
}

/** The browser mode's event stream names its watch in the query: `?run=<id>&experiment=<id>`; none means everything. */
export function watchFromQuery(query: URLSearchParams): DashboardWatch | undefined {
  const runIds = query.getAll('run');
  const experimentIds = query.getAll('experiment');
  return runIds.length === 0 && experimentIds.length === 0 ? undefined : { runIds, experimentIds };
}
