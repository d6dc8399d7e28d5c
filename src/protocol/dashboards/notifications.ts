import type { RunsChangedParams } from '../../core/runs/runReadModels';
import { NotificationType } from '../messages';
import type { DashboardState } from './state';

// Notifications between a dashboard and its host: host → webview (what to show, runs changed), then webview → host.

/** Where the dashboard runs: host actions (open an editor) exist only in VS Code. */
export interface HostInfo {
  readonly kind: 'vscode' | 'browser';
  /** Whether `run/openSource`, `run/openDiff`, `artifact/open` and `run/environmentDiff` can succeed here. */
  readonly hostActions: boolean;
}

/** Sent after `ready` (and again if the host retargets the panel): what to show. */
export interface ShowDashboardParams {
  readonly state: DashboardState;
  readonly host: HostInfo;
}
export const ShowDashboardNotification = new NotificationType<ShowDashboardParams>('dashboard/show');

export const RunsChangedNotification = new NotificationType<RunsChangedParams>('runs/changed');

// ---------------------------------------------------------------------------------------------
// Webview → host notifications
// ---------------------------------------------------------------------------------------------

/**
 * The webview's current state, whenever it changes: the host uses it for the panel's title and
 * for restoring (the webview also keeps it with `vscode.setState`).
 */
export interface StateChangedParams {
  readonly state: DashboardState;
  /** Suggested panel title, e.g. the run's name. */
  readonly title?: string;
}
export const StateChangedNotification = new NotificationType<StateChangedParams>('dashboard/stateChanged');
