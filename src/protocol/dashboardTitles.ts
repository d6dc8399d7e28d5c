import type { DashboardState } from './dashboards/state';
import { parseRemoteAddress } from './runAddress';

/** A tab title is cut to this length (with an ellipsis) before any id that tells it apart is added. */
const maxNameLength = 60;
/** Run ids are 32 hex digits; their first 8 tell runs apart, as a short git hash does. */
const shortIdLength = 8;

/** A dashboard panel: what it shows, and the name its webview reported for it (a run's or experiment's name). */
export interface TitledDashboard {
  readonly state: DashboardState;
  readonly name?: string;
}

/** The panel's title: the dashboard's kind and what it shows, kept short for the tab. */
export function panelTitle(state: DashboardState, name?: string): string {
  const shown = name !== undefined && name.length > maxNameLength ? `${name.slice(0, maxNameLength - 3)}…` : name;
  switch (state.kind) {
    case 'run':
      return `Run: ${shown ?? shortId(state.runId)}`;
    case 'experiment':
      return `Experiment: ${shown ?? idOf(state.experimentId)}`;
    case 'compare':
      return shown ?? `Compare ${state.runIds.length} runs`;
    case 'trace':
      return state.compareTo ? 'Compare traces' : `Trace: ${shown ?? state.traceId.slice(0, 11)}`;
  }
}

/**
 * Every open panel's title, in order: where two panels would read alike (two runs both named
 * "lr=0.05"), each of them gets the short id of what it shows, so their tabs are told apart.
 */
export function panelTitles(panels: readonly TitledDashboard[]): string[] {
  const titles = panels.map((panel) => panelTitle(panel.state, panel.name));
  return titles.map((title, i) => (titles.indexOf(title) !== titles.lastIndexOf(title) ? `${title} · ${distinguishingId(panels[i].state)}` : title));
}

/**
 * How a list of runs is labelled side by side (a compare's title, its columns): each run's name, and
 * where names repeat (or a run has none) its short id as well, so "lr=0.05 vs lr=0.05" cannot happen.
 */
export function runLabels(runs: readonly { readonly name?: string; readonly runId: string }[]): string[] {
  const names = runs.map((run) => run.name ?? '');
  return runs.map((run) => {
    if (!run.name) return shortId(run.runId);
    return names.indexOf(run.name) !== names.lastIndexOf(run.name) ? `${run.name} (${shortId(run.runId)})` : run.name;
  });
}

function distinguishingId(state: DashboardState): string {
  switch (state.kind) {
    case 'run':
      return shortId(state.runId);
    case 'experiment': {
      // Experiment ids are small numbers on every server: a remote one says where it lives.
      const remote = parseRemoteAddress(state.experimentId);
      return remote ? `${new URL(remote.serverUrl).host} ${remote.id}` : state.experimentId;
    }
    case 'compare':
      return state.runIds.map(shortId).join('+');
    case 'trace':
      return state.compareTo ? `${state.traceId.slice(0, 11)}+${state.compareTo.slice(0, 11)}` : state.traceId.slice(0, 11);
  }
}

function shortId(idOrAddress: string): string {
  return idOf(idOrAddress).slice(0, shortIdLength);
}

/** The id part of a remote address (the server's URL is too long for a tab), or the local id. */
function idOf(idOrAddress: string): string {
  return parseRemoteAddress(idOrAddress)?.id ?? idOrAddress;
}
