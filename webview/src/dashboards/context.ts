import type { HostInfo } from '../../../src/protocol/dashboards/notifications';
import type { DashboardState } from '../../../src/protocol/dashboards/state';
import type { HostClient } from '../bridge/hostClient';
import type { StatusLine } from './statusLine';

/** What every dashboard gets from the shell: the host, its own state, and a way to others. */
export interface DashboardContext {
  readonly client: HostClient;
  readonly host: HostInfo;
  readonly status: StatusLine;
  /** Keeps the dashboard's state (for hide/show and reloads) and tells the host its title. */
  saveState(state: DashboardState, title?: string): void;
  /** Opens another dashboard: a new panel in VS Code, a new page in the browser. */
  openDashboard(state: DashboardState): void;
  /** The address of a dashboard in the browser mode (for real links); undefined in VS Code. */
  hrefOf(state: DashboardState): string | undefined;
}

/** A mounted dashboard. */
export interface Dashboard {
  /** The store changed: fetch again what shows (coalesced by the caller). */
  refresh(): Promise<void>;
  /** The runs a refresh concerns; undefined for "any run" (the experiment table). */
  readonly runIds: readonly string[] | undefined;
}
