import type { LoggedModelSummary, MetricSummary } from '../../core/runs/runReadModels';
import { RequestType } from '../messages';
import type { RunTracesModel } from '../traceDashboard';
import type { DrawnSeries, KeyValue, MetricChartModel, MetricChartOptions, RunCodeState, RunRef } from './shapes';

export type { LoggedModelMetricSummary, LoggedModelSummary } from '../../core/runs/runReadModels';

// The run dashboard's requests, answered from the store (DashboardService).
// run/get -------------------------------------------------------------------------------------

export interface GetRunParams {
  readonly runId: string;
}

export interface RunHeader extends RunRef {
  readonly endTime?: number;
  /** End minus start; for a running run, now minus start; 0 for an ended run without an end time. */
  readonly durationMs: number;
  readonly user: string;
  readonly lifecycleStage: 'active' | 'deleted';
  readonly artifactUri: string;
  readonly code: RunCodeState;
  /** `mlflow.parentRunId`, when nested. */
  readonly parentRunId?: string;
  /** The remote server the run is on (its `runId` is then `<url>#<id>`); absent for a workspace run. */
  readonly server?: { readonly name: string; readonly url: string };
}

/** An artifact file or folder; `path` is relative to the run's artifact root, `/`-separated. */
export interface ArtifactItem {
  readonly path: string;
  readonly isDir: boolean;
  /** Bytes; files only. */
  readonly size?: number;
}

export interface ArtifactListing {
  /** Depth-first, folders before their contents, names sorted. */
  readonly items: readonly ArtifactItem[];
  /** True when the listing stopped at `maxArtifactItems`. */
  readonly truncated: boolean;
}

export const maxArtifactItems = 1000;

export interface DatasetSummary {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
}

export interface RunDashboardModel {
  readonly header: RunHeader;
  /** Sorted by key. */
  readonly params: readonly KeyValue[];
  /** Sorted by key. */
  readonly metrics: readonly MetricSummary[];
  /** Every tag, sorted by key; `system` marks mlflow.* and runlens.* tags, which views may fold away. */
  readonly tags: readonly (KeyValue & { readonly system: boolean })[];
  readonly datasets: readonly DatasetSummary[];
  readonly artifacts: ArtifactListing;
  /** The models the run logged, newest first (at most 100). */
  readonly loggedModels: readonly LoggedModelSummary[];
  /** Markdown from `mlflow.note.content`; empty when there is none. Render without raw HTML. */
  readonly note: string;
  /** Artifact path of the captured stdout/stderr (`runlens/output.log`) when it exists; read it with `artifact/preview`. */
  readonly outputLogPath?: string;
  /** Artifact path of the captured uncommitted diff when it exists (the first `.patch` or `.diff` file under `runlens/`). */
  readonly patchPath?: string;
  /** What the view should say it leaves out (a remote run's history cut at a cap, artifacts that could not be listed). */
  readonly notes?: readonly string[];
  /** The run's traces; absent where the store keeps none (a remote server's run). */
  readonly traces?: RunTracesModel;
}

export const GetRunRequest = new RequestType<GetRunParams, RunDashboardModel>('run/get');

// run/metricSeries ----------------------------------------------------------------------------

export interface MetricSeriesParams {
  /** One run (run dashboard) or several overlaid (compare, experiment), 1 to 100: one line per run. */
  readonly runIds: readonly string[];
  /** Metric keys (at most 100), one chart each; when absent, every metric any of the runs logged. */
  readonly keys?: readonly string[];
  /**
   * Chart only the first `limit` (1 to 100) of those keys. A dashboard asks for its first few charts
   * this way, before it knows the keys, then for the rest by `keys`, a few at a time.
   */
  readonly limit?: number;
  readonly chart?: MetricChartOptions;
}

export interface MetricSeriesResult {
  /** In the order of `keys` (sorted by key when absent); with `limit`, the first `limit` of them. */
  readonly charts: readonly MetricChartModel[];
  /** Every metric any of the runs logged, sorted by key, whatever `keys` and `limit` asked for: the picker's list. */
  readonly availableKeys: readonly string[];
}

export const MetricSeriesRequest = new RequestType<MetricSeriesParams, MetricSeriesResult>('run/metricSeries');

// run/drawnSeries -----------------------------------------------------------------------------

/**
 * Each run's series of each metric as a chart draws it, without the chart: a window that charts
 * runs two processes read (a guest window: the owner reads the workspace's runs, the window itself
 * the remote servers') asks each for its runs' series and puts them in one chart, as
 * `run/metricSeries` does.
 */
export interface DrawnSeriesParams {
  /** 1 to 100. */
  readonly runIds: readonly string[];
  /** 0 to 100 metric keys; none answers only the runs (their names and metric keys). */
  readonly keys: readonly string[];
  readonly chart?: MetricChartOptions;
  /** Points each series is downsampled to (1 to `maxSeriesPoints`, which is the default): a chart's share for one of all its runs. */
  readonly maxPoints?: number;
}

export interface DrawnSeriesResult {
  /** In `runIds` order. */
  readonly runs: readonly { readonly runId: string; readonly name: string; readonly metricKeys: readonly string[] }[];
  /** In `keys` order; each with a series per run, in `runIds` order. */
  readonly charts: readonly { readonly key: string; readonly series: readonly DrawnSeries[] }[];
}

export const DrawnSeriesRequest = new RequestType<DrawnSeriesParams, DrawnSeriesResult>('run/drawnSeries');

// note/set ------------------------------------------------------------------------------------

export interface SetNoteParams {
  readonly runId: string;
  /** Markdown; stored as the `mlflow.note.content` tag (as MLflow's UI does). */
  readonly markdown: string;
}

export interface SetNoteResult {
  readonly note: string;
}

export const SetNoteRequest = new RequestType<SetNoteParams, SetNoteResult>('note/set');
