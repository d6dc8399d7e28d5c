import { RequestType } from '../messages';
import type { DashboardState } from './state';

// ---------------------------------------------------------------------------------------------
// Host actions: answered by the host itself, not the DashboardService. In the browser they answer
// an error with code `unavailable` ("Not available in the browser: ...").
// ---------------------------------------------------------------------------------------------

export interface HostActionResult {
  /** What happened, for a status line (e.g. "Opened train.py at 3f2a1c0"). */
  readonly message?: string;
}

/** Open the run's source file as it was: the file at the run's commit, with the captured diff applied. */
export interface OpenSourceParams {
  readonly runId: string;
}
export const OpenSourceRequest = new RequestType<OpenSourceParams, HostActionResult>('run/openSource');

/**
 * With `otherRunId`: VS Code's diff editor on the source file between the two runs' code (commit
 * plus captured diff), `runId` on the left. Without: the run's captured uncommitted diff.
 */
export interface OpenDiffParams {
  readonly runId: string;
  readonly otherRunId?: string;
}
export const OpenDiffRequest = new RequestType<OpenDiffParams, HostActionResult>('run/openDiff');

/** Open an artifact in an editor (text, image preview), or reveal it in the OS when it cannot be shown. */
export interface OpenArtifactParams {
  readonly runId: string;
  readonly path: string;
}
export const OpenArtifactRequest = new RequestType<OpenArtifactParams, HostActionResult>('artifact/open');

/** The run's environment against this machine's now; asked only when the person opens it (it runs Python). */
export interface EnvironmentDiffParams {
  readonly runId: string;
}

/** A package whose version differs: `then` absent for one installed since, `now` absent for one gone. */
export interface PackageVersionChange {
  readonly name: string;
  readonly then?: string;
  readonly now?: string;
}

export interface EnvironmentDiffModel {
  /** The interpreter compared with: the run's own when it is still on this machine, else the one chosen for the script. */
  readonly interpreter: string;
  /** False when the run's interpreter is gone and another one was compared with. */
  readonly sameInterpreter: boolean;
  /** Absent when either listing is unknown (the run kept no `runlens/requirements.txt`, or the interpreter could not list its packages). */
  readonly packages?: {
    readonly added: readonly PackageVersionChange[];
    readonly removed: readonly PackageVersionChange[];
    readonly changed: readonly PackageVersionChange[];
  };
  /** Present only when the versions differ. */
  readonly python?: { readonly then: string; readonly now: string };
  /** Data files the run fingerprinted (its dataset inputs) that differ now, by path. */
  readonly data: { readonly changed: readonly string[]; readonly missing: readonly string[] };
  /** The same differences in words, one line each ("Changed packages: numpy 1.26 → 2.0"); empty when the environment is the same. */
  readonly summary: readonly string[];
}
export const EnvironmentDiffRequest = new RequestType<EnvironmentDiffParams, EnvironmentDiffModel>('run/environmentDiff');

/**
 * Open another dashboard (a run from the experiment table, a compare of the selected runs). VS Code
 * opens a panel; in the browser the page navigates to `dashboardPath(state)` itself.
 */
export interface OpenDashboardParams {
  readonly state: DashboardState;
}
export const OpenDashboardRequest = new RequestType<OpenDashboardParams, HostActionResult>('dashboard/open');
