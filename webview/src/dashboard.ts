import './styles/dashboard.css';
import { bootstrapElementId, type DashboardBootstrap } from '../../src/protocol/dashboards/bootstrap';
import { OpenDashboardRequest } from '../../src/protocol/dashboards/hostActions';
import {
  RunsChangedNotification,
  ShowDashboardNotification,
  StateChangedNotification,
  type HostInfo,
} from '../../src/protocol/dashboards/notifications';
import { dashboardPath, pathForMlflowFragment } from '../../src/protocol/dashboards/routing';
import type { RunsChangedParams } from '../../src/protocol/dashboards/shapes';
import { isDashboardState, type DashboardState } from '../../src/protocol/dashboards/state';
import { ReadyNotification } from '../../src/protocol/messages';
import { connect } from './bridge/connect';
import { HostClient } from './bridge/hostClient';
import { registerToolkit } from './components/toolkit';
import { CompareDashboard } from './dashboards/compareDashboard';
import type { Dashboard, DashboardContext } from './dashboards/context';
import { ExperimentDashboard } from './dashboards/experimentDashboard';
import { IndexPage } from './dashboards/indexPage';
import { Refresher } from './dashboards/refresher';
import { RunDashboard } from './dashboards/runDashboard';
import { StatusLine } from './dashboards/statusLine';
import { TraceCompareDashboard } from './dashboards/traceCompareDashboard';
import { TraceDashboard } from './dashboards/traceDashboard';

// The dashboards' one entry point, in a VS Code webview and in the browser alike: it reads what to
// show from the page (the bootstrap, or the state VS Code kept for this panel), picks the transport,
// mounts the dashboard, and keeps it current when the host says runs changed.

function readBootstrap(): DashboardBootstrap {
  const text = document.getElementById(bootstrapElementId)?.textContent ?? '';
  return JSON.parse(text) as DashboardBootstrap;
}

function mount(root: HTMLElement, client: HostClient, host: HostInfo, state: DashboardState | undefined): Dashboard {
  const ctx: DashboardContext = {
    client,
    host,
    status: new StatusLine(),
    saveState(next, title) {
      client.saveState(next);
      client.watch(next);
      client.notify(StateChangedNotification, title === undefined ? { state: next } : { state: next, title });
    },
    openDashboard(next) {
      if (host.kind === 'browser') location.assign(dashboardPath(next));
      else void ctx.status.guard('open the dashboard', () => client.request(OpenDashboardRequest, { state: next }));
    },
    hrefOf: (next) => (host.kind === 'browser' ? dashboardPath(next) : undefined),
  };
  client.watch(state);
  if (state === undefined) return new IndexPage(ctx, root);
  switch (state.kind) {
    case 'run':
      return new RunDashboard(ctx, root, state);
    case 'experiment':
      return new ExperimentDashboard(ctx, root, state);
    case 'compare':
      return new CompareDashboard(ctx, root, state);
    case 'trace':
      return state.compareTo ? new TraceCompareDashboard(ctx, root, state) : new TraceDashboard(ctx, root, state);
  }
}

function concerns(dashboard: Dashboard, change: RunsChangedParams): boolean {
  if (change.all || dashboard.runIds === undefined) return true;
  return change.runIds.some((id) => dashboard.runIds!.includes(id));
}

/** The browser mode's palette follows the system unless the address chose one (?theme=light|dark). */
function resolvePalette(): void {
  const html = document.documentElement;
  if (html.dataset.palette === 'auto') html.dataset.palette = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Opens the dashboard an MLflow UI fragment names; false when the fragment names none. */
function followMlflowLink(): boolean {
  const linked = pathForMlflowFragment(location.hash);
  if (linked !== undefined) location.replace(linked);
  return linked !== undefined;
}

function start(): void {
  resolvePalette();
  registerToolkit();
  const root = document.getElementById('app')!;
  const bootstrap = readBootstrap();
  const client = new HostClient(connect(bootstrap.pageKey));
  // The links MLflow's client prints after each run (`/#/experiments/1/runs/<id>`) open the same
  // dashboards: on load, or when only the fragment changes (a same-page navigation loads nothing).
  if (bootstrap.page === 'index' && bootstrap.host.kind === 'browser') {
    if (followMlflowLink()) return;
    addEventListener('hashchange', followMlflowLink);
  }
  const saved = client.savedState();
  let state = bootstrap.page === 'dashboard' ? (isDashboardState(saved) ? saved : bootstrap.state) : undefined;
  let host = bootstrap.host;
  let dashboard = mount(root, client, host, state);
  let refresher = new Refresher(() => dashboard.refresh());

  client.onNotification(RunsChangedNotification, (change) => {
    if (concerns(dashboard, change)) refresher.request();
  });
  client.onNotification(ShowDashboardNotification, (show) => {
    if (!isDashboardState(show.state)) return;
    state = show.state;
    host = show.host;
    client.saveState(state);
    dashboard = mount(root, client, host, state);
    refresher = new Refresher(() => dashboard.refresh());
    refresher.request();
  });
  client.notify(ReadyNotification, {});
  refresher.request();
}

start();
