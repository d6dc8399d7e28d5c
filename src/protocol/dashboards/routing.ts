import { type DashboardState, isDashboardState } from './state';

// The browser mode's addresses of dashboards, and the MLflow UI links that lead to them.

/** The browser mode's address of a dashboard: `/run/<id>`, `/experiment/<id>`, `/compare?run=<id>&run=<id>`. */
export function dashboardPath(state: DashboardState): string {
  switch (state.kind) {
    case 'run':
      return `/run/${encodeURIComponent(state.runId)}`;
    case 'experiment':
      return `/experiment/${encodeURIComponent(state.experimentId)}`;
    case 'compare':
      return `/compare?${state.runIds.map((id) => `run=${encodeURIComponent(id)}`).join('&')}`;
    case 'trace':
      return `/trace/${encodeURIComponent(state.traceId)}${state.compareTo ? `?with=${encodeURIComponent(state.compareTo)}` : ''}`;
  }
}

/** The dashboard a browser-mode address names (the inverse of `dashboardPath`), or undefined. */
export function parseDashboardPath(pathname: string, query: URLSearchParams): DashboardState | undefined {
  const [, first, second, ...rest] = pathname.split('/');
  if (rest.length > 0) return undefined;
  let state: unknown;
  try {
    if (first === 'run' && second !== undefined) state = { kind: 'run', runId: decodeURIComponent(second) };
    else if (first === 'experiment' && second !== undefined) state = { kind: 'experiment', experimentId: decodeURIComponent(second) };
    else if (first === 'compare' && second === undefined) state = { kind: 'compare', runIds: query.getAll('run') };
    else if (first === 'trace' && second !== undefined) {
      const compareTo = query.get('with');
      state = { kind: 'trace', traceId: decodeURIComponent(second), ...(compareTo ? { compareTo } : {}) };
    }
  } catch {
    return undefined; // malformed percent-encoding
  }
  return isDashboardState(state) ? state : undefined;
}

/**
 * The dashboard for a link that MLflow's client prints after each run (`#/experiments/<id>/runs/<run
 * id>`, `#/experiments/<id>`, the MLflow UI's routes), as a browser-mode path; undefined otherwise.
 */
export function pathForMlflowFragment(fragment: string): string | undefined {
  const match = /^#\/experiments\/([^/?#]+)(?:\/runs\/([^/?#]+))?\/?$/.exec(fragment);
  if (match === null) return undefined;
  try {
    const experimentId = decodeURIComponent(match[1]);
    return match[2] === undefined
      ? dashboardPath({ kind: 'experiment', experimentId })
      : dashboardPath({ kind: 'run', runId: decodeURIComponent(match[2]) });
  } catch {
    return undefined; // malformed percent-encoding
  }
}
