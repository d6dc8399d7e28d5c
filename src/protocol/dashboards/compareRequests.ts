import type { Experiment, Run } from '../../core/entities';
import type { MetricDirection, MetricSummary } from '../../core/runs/runReadModels';
import { RequestType } from '../messages';
import type { RunTraceStats } from '../traceDashboard';
import type { ArtifactListing } from './runRequests';
import type { MetricAggregation, RunCodeState, RunRef } from './shapes';

// The compare dashboard's requests, answered from the store (DashboardService).
// compare/get ---------------------------------------------------------------------------------

export interface CompareParams {
  /** Two or more (at most 100); the first is the baseline. */
  readonly runIds: readonly string[];
  /** Overrides of the name-based direction, by metric key. */
  readonly directions?: Readonly<Record<string, MetricDirection>>;
  /** Which value metric deltas and "better" compare; `last` when absent. */
  readonly aggregation?: MetricAggregation;
  /** Leave out rows whose values are all equal. False when absent (rows carry `differs` either way). */
  readonly onlyDifferences?: boolean;
}

/**
 * - `equal`: every run has it, with the same value.
 * - `changed`: every run has it; values differ.
 * - `onlyLeft` / `onlyRight`: two runs, only the first / only the second has it.
 * - `partial`: three or more runs, some lack it.
 */
export type DiffStatus = 'equal' | 'changed' | 'onlyLeft' | 'onlyRight' | 'partial';

export interface DiffRow {
  readonly key: string;
  /** One per run, in `runIds` order; null where the run lacks the key. */
  readonly values: readonly (string | null)[];
  readonly status: DiffStatus;
  readonly differs: boolean;
}

export interface MetricDelta {
  /** value − baseline value. */
  readonly absolute: number;
  /** absolute / |baseline|; null when the baseline is 0 or not finite. */
  readonly relative: number | null;
}

export interface MetricDiffRow {
  readonly key: string;
  readonly direction: MetricDirection;
  /** `override` when the request chose the direction, else `name` (the loss/error naming rule). */
  readonly directionSource: 'name' | 'override';
  /** One per run, in `runIds` order; null where the run lacks the metric. */
  readonly values: readonly (MetricSummary | null)[];
  /** One per run: against the baseline (index 0) by the compared aggregation; null for the baseline or when either side lacks it. */
  readonly deltas: readonly (MetricDelta | null)[];
  /** Indexes of the runs with the best compared value (ties give several; empty when none is comparable). */
  readonly best: readonly number[];
  readonly status: DiffStatus;
  readonly differs: boolean;
}

export interface CompareRun extends RunRef {
  readonly code: RunCodeState;
  readonly durationMs: number;
  /** Artifact path of the captured uncommitted diff, when there is one. */
  readonly patchPath?: string;
  /** The run's traces; absent where the store keeps none (a remote server's run). */
  readonly traces?: RunTraceStats;
}

export interface CompareModel {
  readonly runs: readonly CompareRun[];
  readonly params: readonly DiffRow[];
  readonly metrics: readonly MetricDiffRow[];
  readonly tags: readonly DiffRow[];
  /** Dataset digests by dataset name, as a diff (a changed digest means changed data). */
  readonly datasets: readonly DiffRow[];
  /** Counts before `onlyDifferences` applied, for "n of m differ" labels. */
  readonly counts: {
    readonly params: { readonly total: number; readonly differing: number };
    readonly metrics: { readonly total: number; readonly differing: number };
    readonly tags: { readonly total: number; readonly differing: number };
  };
  /** Whether the runs' commits and sources are known, so `run/openDiff` can show a code diff. */
  readonly codeComparable: boolean;
  /** What the view should say it leaves out (a remote run's history cut at a cap). */
  readonly notes?: readonly string[];
}

export const CompareRequest = new RequestType<CompareParams, CompareModel>('compare/get');

// compare/runs --------------------------------------------------------------------------------

/**
 * What a comparison reads of each run, with the protocol's ids: a window that compares runs two
 * processes read (a guest window: the owner reads the workspace's runs, the window itself the remote
 * servers') asks each for its runs and builds the comparison as `compare/get` does.
 */
export interface CompareRunsParams {
  /** One or more (at most 100). */
  readonly runIds: readonly string[];
}

export interface CompareRunPart {
  readonly run: Run;
  /** Undefined when the run's experiment is gone (the run still shows). */
  readonly experiment?: Experiment;
  /** Last, min, max and count of each metric, by key. */
  readonly metrics: readonly (readonly [string, MetricSummary])[];
  /** The run's launch artifacts (`runlens/`), to find its captured diff. */
  readonly launchArtifacts: ArtifactListing;
  /** Where the store keeps the run's traces. */
  readonly traces?: RunTraceStats;
}

export interface CompareRunsResult {
  /** In `runIds` order. */
  readonly runs: readonly CompareRunPart[];
  readonly notes?: readonly string[];
}

export const CompareRunsRequest = new RequestType<CompareRunsParams, CompareRunsResult>('compare/runs');

// compare/candidates --------------------------------------------------------------------------

export interface CompareCandidatesParams {
  /**
   * Matched, case-insensitively, against run names and ids; empty lists the newest runs. The added
   * remote servers are searched too, by run name (over each server's first 100 experiments).
   */
  readonly query: string;
  /** Runs already in the view. */
  readonly excludeRunIds?: readonly string[];
  /** Prefer runs of this experiment (they come first); all experiments are searched. */
  readonly experimentId?: string;
  /** 1 to 200; 50 when absent. */
  readonly limit?: number;
}

export interface CompareCandidatesResult {
  /** Newest first (the preferred experiment's runs before others), local and remote together. */
  readonly runs: readonly RunRef[];
  /** Remote servers that could not be searched, and why. */
  readonly notes?: readonly string[];
}

export const CompareCandidatesRequest = new RequestType<CompareCandidatesParams, CompareCandidatesResult>(
  'compare/candidates',
);
