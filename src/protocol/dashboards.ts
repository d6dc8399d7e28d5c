import type { TopLevelSpec } from 'vega-lite/build/index';
import type { MetricDirection, MetricSummary, RunsChangedParams } from '../core/runs/runReadModels';
import { NotificationType, RequestType } from './messages';
import {
  CompareTracesRequest,
  GetTraceRequest,
  LogFeedbackRequest,
  type AssessmentModel,
  type CompareTracesParams,
  type GetTraceParams,
  type LogFeedbackParams,
  type RunTraceStats,
  type RunTracesModel,
  type TraceCompareModel,
  type TraceDashboardState,
  type TraceModel,
} from './traceDashboard';

/**
 * What the dashboards (run, experiment, compare) and their host say to each other. The host is the
 * VS Code extension or `runlens serve`; the envelopes are those of messages.ts.
 *
 * Everything a model carries is plain data. Strings that come from a run (names, params, tags,
 * notes, artifact names, log lines) are untrusted: the webview shows them as text, never as HTML;
 * the host never sends HTML. Times are milliseconds since the epoch; durations are milliseconds.
 * Metric values are numbers and may be NaN, Infinity or -Infinity (the text transport keeps them).
 * Charts arrive as finished vega-lite specs with their data inline; the webview only renders them.
 */

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/**
 * A run as lists and pickers show it. Here and in every request, run and experiment ids are the
 * workspace's ids or, for a remote MLflow server's runs, addresses `<server URL>#<id>` (runAddress.ts).
 */
export interface RunRef {
  readonly runId: string;
  readonly name: string;
  readonly experimentId: string;
  readonly experimentName: string;
  readonly status: RunStatus;
  readonly startTime: number;
}

/** The code a run ran: from the tags the launcher (or MLflow) set. Absent fields were not captured. */
export interface RunCodeState {
  /** `mlflow.source.git.commit`. */
  readonly commit?: string;
  /** `mlflow.source.git.branch`. */
  readonly branch?: string;
  /** `runlens.git.dirty`: whether the working tree had uncommitted changes at launch. */
  readonly dirty?: boolean;
  /** `mlflow.source.name`: the file that was run. */
  readonly sourceFile?: string;
  /** `runlens.command`: the command line. */
  readonly command?: string;
}

/** How a metric is reduced to one number per run. */
export type MetricAggregation = 'last' | 'min' | 'max';

export type { MetricDirection, MetricSummary, RunsChangedParams };

export type XAxis = 'step' | 'time' | 'relative';

/** How metric history charts are drawn. */
export interface MetricChartOptions {
  /** `step`, wall-clock `time`, or `relative` seconds since the run's first point. */
  readonly xAxis: XAxis;
  /**
   * EMA weight in [0, 1), as TensorBoard's smoothing slider (debiased). 0 draws the raw curve only;
   * above 0 the smoothed curve is drawn with the raw one faint behind it.
   */
  readonly smoothing: number;
  /** Logarithmic y scale; points at or below zero are left out of the chart. */
  readonly logScale: boolean;
}

export const defaultMetricChartOptions: MetricChartOptions = { xAxis: 'step', smoothing: 0, logScale: false };

/**
 * Longest series the host sends; longer ones are downsampled (LTTB) keeping the true first, last,
 * min and max points. A chart of many runs gives each series a share of 10,000 points (at least
 * 100): 100 runs get 100 points each (see seriesBudget in src/core/dashboards/metricCharts.ts).
 */
export const maxSeriesPoints = 2000;

/** A param, a metric (reduced by an aggregation) or a run attribute: an axis of a chart. */
export type FieldRef =
  | { readonly kind: 'param'; readonly key: string }
  | { readonly kind: 'metric'; readonly key: string; readonly aggregation?: MetricAggregation }
  | { readonly kind: 'attribute'; readonly key: RunAttribute };

/** Run attributes the experiment table shows as columns. */
export type RunAttribute = 'name' | 'status' | 'startTime' | 'duration' | 'user';

/** A ready-to-render chart. */
export interface ChartModel {
  /** Vega-lite spec with inline data; render it with the svg renderer and vega-interpreter. */
  readonly spec: TopLevelSpec;
  /** Why the chart is empty or partial (e.g. "3 runs have no value for params.lr"), for the person. */
  readonly notes: readonly string[];
}

/** One run's line in a metric history chart. */
export interface SeriesSummary {
  readonly runId: string;
  readonly runName: string;
  /** Points the store holds. */
  readonly totalPoints: number;
  /** Points in the chart after downsampling and leaving out values the chart cannot show. */
  readonly shownPoints: number;
}

export interface MetricChartModel extends ChartModel {
  readonly key: string;
  readonly series: readonly SeriesSummary[];
}

// ---------------------------------------------------------------------------------------------
// Dashboard kinds and their persisted state (what WebviewPanelSerializer restores)
// ---------------------------------------------------------------------------------------------

/** The run dashboard's tabs, the first shown when the state names none (or one this version lacks). */
export const runDashboardTabs = ['summary', 'charts', 'artifacts', 'output', 'environment', 'note'] as const;
export type RunDashboardTab = (typeof runDashboardTabs)[number];

/** The experiment dashboard's chart tabs, the first shown when the state names none (or one this version lacks). */
export const experimentChartTabs = ['history', 'scatter', 'parallel'] as const;
export type ExperimentChartTab = (typeof experimentChartTabs)[number];

/**
 * The tab a saved state names, or the first of `tabs` when it names none or an unknown one (state
 * from an older or newer version, or hand-edited): read a state's `tab` only through this.
 */
export function knownTab<T extends string>(tabs: readonly [T, ...T[]], value: unknown): T {
  return tabs.find((tab) => tab === value) ?? tabs[0];
}

/**
 * In a VS Code window with several workspace folders: the folder (its URI) whose store the panel
 * reads. Experiment ids repeat across stores ("1" in each), run ids do not; a state without it (saved
 * before folders were told apart, or with one folder) means the folder holding its runs, else the first.
 */
interface InWorkspaceFolder {
  readonly folder?: string;
}

export interface RunDashboardState extends InWorkspaceFolder {
  readonly kind: 'run';
  readonly runId: string;
  /** The tab in view, so a panel VS Code reloads after hiding it opens where it was. */
  readonly tab?: RunDashboardTab;
  /** Metrics to chart; all when absent. */
  readonly chartKeys?: readonly string[];
  readonly chart?: MetricChartOptions;
}

export interface TableSort {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
}

/** Parallel coordinates: the axes, the colour, and which way the colour metric is better (its best run is drawn bold). */
export interface ParallelChartSettings {
  readonly keys: readonly FieldRef[];
  readonly color?: FieldRef;
  /** Guessed from the colour metric's name when absent (loss, error: lower). */
  readonly direction?: MetricDirection;
}

export interface ExperimentDashboardState extends InWorkspaceFolder {
  readonly kind: 'experiment';
  readonly experimentId: string;
  /** The chart tab in view. */
  readonly tab?: ExperimentChartTab;
  readonly filter?: string;
  readonly sort?: TableSort;
  /** Per metric key; `last` when absent. */
  readonly aggregations?: Readonly<Record<string, MetricAggregation>>;
  /** Column ids the person hid. */
  readonly hiddenColumns?: readonly string[];
  readonly onlyDifferingColumns?: boolean;
  readonly selectedRunIds?: readonly string[];
  readonly overlayKeys?: readonly string[];
  readonly chart?: MetricChartOptions;
  readonly scatter?: { readonly x: FieldRef; readonly y: FieldRef };
  readonly parallel?: ParallelChartSettings;
}

export interface CompareDashboardState extends InWorkspaceFolder {
  readonly kind: 'compare';
  /** Two or more; the first is the baseline deltas are measured from. */
  readonly runIds: readonly string[];
  readonly onlyDifferences?: boolean;
  readonly directions?: Readonly<Record<string, MetricDirection>>;
  readonly chartKeys?: readonly string[];
  readonly chart?: MetricChartOptions;
}

export type DashboardState = RunDashboardState | ExperimentDashboardState | CompareDashboardState | TraceDashboardState;
export type DashboardKind = DashboardState['kind'];

/**
 * True when `value` is a state a dashboard can open from (its identifying fields are right). Saved
 * state comes back from disk after a reload, possibly from an older version: check it before use.
 * Optional fields are not checked here; the service validates what it receives.
 */
export function isDashboardState(value: unknown): value is DashboardState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  // Which store to read is identifying too: a folder that is not a URI string names none.
  if (state.folder !== undefined && !isNonEmptyString(state.folder)) return false;
  switch (state.kind) {
    case 'run':
      return isNonEmptyString(state.runId);
    case 'experiment':
      return isNonEmptyString(state.experimentId);
    case 'compare':
      return Array.isArray(state.runIds) && state.runIds.length >= 2 && state.runIds.every(isNonEmptyString);
    case 'trace':
      return isNonEmptyString(state.traceId) && (state.compareTo === undefined || isNonEmptyString(state.compareTo));
    default:
      return false;
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Host → webview notifications
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Requests answered from the store (DashboardService)
// ---------------------------------------------------------------------------------------------

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

/**
 * A model the run logged (MLflow 3's logged models, found by `source_run_id`): its files live under
 * the model's own artifact location, not the run's artifacts.
 */
export interface LoggedModelSummary {
  readonly modelId: string;
  readonly name: string;
  /** LOGGED_MODEL_READY, LOGGED_MODEL_PENDING or LOGGED_MODEL_UPLOAD_FAILED. */
  readonly status: string;
  readonly artifactUri: string;
  readonly creationTime: number;
  /** The metrics logged against the model (MLflow 3's `log_metric(..., model_id=)`), every point the store keeps. */
  readonly metrics: readonly LoggedModelMetricSummary[];
}

/** A model's metric, with the evaluation dataset it was computed on when the script named one. */
export interface LoggedModelMetricSummary {
  readonly key: string;
  /** May be NaN or ±Infinity. */
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
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

// experiment/table ----------------------------------------------------------------------------

export interface ExperimentTableParams {
  readonly experimentId: string;
  /** MLflow's filter language (with OR and parentheses); a bad filter answers code `invalidFilter`. */
  readonly filter?: string;
  /** Any column id; runs lacking the value sort last in both directions. Newest first when absent. */
  readonly sort?: TableSort;
  readonly aggregations?: Readonly<Record<string, MetricAggregation>>;
  /** Include deleted runs. */
  readonly includeDeleted?: boolean;
  /** Rows to skip and rows to return (1 to 1,000; 200 when absent). */
  readonly offset?: number;
  readonly limit?: number;
}

export type ColumnKind = 'attribute' | 'param' | 'metric';

/**
 * A table column. Ids are stable and readable: `attribute:name`, `param:<key>`, `metric:<key>`
 * (the aggregation is not part of the id, so sort and hide survive changing it).
 */
export interface TableColumn {
  readonly id: string;
  readonly kind: ColumnKind;
  readonly key: string;
  /** Header text, e.g. `rmse (min)`. */
  readonly label: string;
  readonly aggregation?: MetricAggregation;
  /** All values in the column are numbers (metrics; params that all parse as numbers). */
  readonly numeric: boolean;
  /** Values differ across the runs that match the filter (missing counts as a value). */
  readonly differs: boolean;
}

/** A cell: a param as stored (string), a metric (number, maybe NaN), or null when the run lacks it. */
export type CellValue = string | number | null;

export interface TableRow {
  readonly runId: string;
  readonly status: RunStatus;
  /** Set on deleted runs (listed only with `includeDeleted`). */
  readonly deleted?: boolean;
  /** By column id; every column of the result has an entry. */
  readonly cells: Readonly<Record<string, CellValue>>;
}

export interface ExperimentTableModel {
  readonly experiment: { readonly id: string; readonly name: string };
  readonly columns: readonly TableColumn[];
  readonly rows: readonly TableRow[];
  /** Runs matching the filter, over all pages. */
  readonly totalRows: number;
  readonly offset: number;
  /** What the view should say it leaves out (a remote experiment with more runs than are copied). */
  readonly notes?: readonly string[];
}

export const ExperimentTableRequest = new RequestType<ExperimentTableParams, ExperimentTableModel>('experiment/table');

// experiment/charts ---------------------------------------------------------------------------

export interface ExperimentChartsParams {
  /** The selected runs (at most 500). */
  readonly runIds: readonly string[];
  /** Overlaid metric history, one chart per key (at most 100 keys; at most 100 runs when overlaying). */
  readonly overlay?: { readonly keys: readonly string[]; readonly chart?: MetricChartOptions };
  readonly scatter?: { readonly x: FieldRef; readonly y: FieldRef };
  /** Parallel coordinates over `keys` (two or more), lines coloured by `color` (a metric, usually). */
  readonly parallel?: ParallelChartSettings;
}

export interface ExperimentChartsResult {
  /** Fields the selected runs have, for the axis pickers: params and metrics, sorted by key. */
  readonly fields: readonly FieldRef[];
  readonly overlay?: readonly MetricChartModel[];
  readonly scatter?: ChartModel;
  readonly parallel?: ChartModel;
}

export const ExperimentChartsRequest = new RequestType<ExperimentChartsParams, ExperimentChartsResult>(
  'experiment/charts',
);

// experiment/exportCsv ------------------------------------------------------------------------

export interface ExportCsvParams {
  readonly experimentId: string;
  readonly filter?: string;
  readonly sort?: TableSort;
  readonly aggregations?: Readonly<Record<string, MetricAggregation>>;
  readonly includeDeleted?: boolean;
  /** Column ids in order; all columns when absent. `run_id` always comes first. */
  readonly columns?: readonly string[];
}

export interface ExportCsvResult {
  /** Suggested file name, e.g. `my-experiment-runs.csv`. */
  readonly fileName: string;
  /** RFC 4180 text (CRLF line ends); params exactly as stored, metrics with full precision, NaN as `NaN`. */
  readonly csv: string;
  readonly rowCount: number;
  /**
   * Set when the host saved the file itself (VS Code asks where, then answers with the path);
   * absent when the webview should offer `csv` as a download (browser).
   */
  readonly savedTo?: string;
}

export const ExportCsvRequest = new RequestType<ExportCsvParams, ExportCsvResult>('experiment/exportCsv');

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

// artifact/preview ----------------------------------------------------------------------------

export interface ArtifactPreviewParams {
  readonly runId: string;
  /** Relative to the run's artifact root, `/`-separated. */
  readonly path: string;
  /** For text: read from the start (default) or the end (logs: the latest lines matter). */
  readonly from?: 'start' | 'end';
}

/** Largest text read for a preview; beyond it text is cut (and marked truncated). */
export const maxTextPreviewBytes = 256 * 1024;
/** Largest image sent as a data URL. */
export const maxImagePreviewBytes = 2 * 1024 * 1024;
/** Most CSV rows sent. */
export const maxCsvPreviewRows = 500;

export type ArtifactPreview =
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly size: number;
      /** Cut at `maxTextPreviewBytes` (at the end or the start, following `from`). */
      readonly truncated: boolean;
    }
  | {
      /** Pretty-printed JSON; falls back to `text` when the file does not parse. */
      readonly kind: 'json';
      readonly text: string;
      readonly size: number;
      readonly truncated: false;
    }
  | {
      readonly kind: 'csv';
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly size: number;
      /** More rows than `maxCsvPreviewRows`, or bytes past `maxTextPreviewBytes`. */
      readonly truncated: boolean;
    }
  | {
      readonly kind: 'image';
      /** `image/png`, `image/jpeg`, `image/gif` or `image/webp` (SVG is previewed as text). */
      readonly mime: string;
      /** `data:<mime>;base64,...`; show it in an <img>. */
      readonly dataUrl: string;
      readonly size: number;
    }
  | { readonly kind: 'tooLarge'; readonly size: number; readonly limit: number }
  | { readonly kind: 'binary'; readonly size: number };

export const ArtifactPreviewRequest = new RequestType<ArtifactPreviewParams, ArtifactPreview>('artifact/preview');

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

// ---------------------------------------------------------------------------------------------
// Method lists, for dispatch
// ---------------------------------------------------------------------------------------------

/** Requests DashboardService answers from the store. */
export const serviceRequests = [
  GetRunRequest,
  MetricSeriesRequest,
  ExperimentTableRequest,
  ExperimentChartsRequest,
  ExportCsvRequest,
  CompareRequest,
  CompareCandidatesRequest,
  SetNoteRequest,
  ArtifactPreviewRequest,
  GetTraceRequest,
  LogFeedbackRequest,
  CompareTracesRequest,
] as const;

/** Requests the host answers itself. */
export const hostActionRequests = [OpenSourceRequest, OpenDiffRequest, OpenArtifactRequest, EnvironmentDiffRequest] as const;

export type ServiceMethod = keyof ServiceMethods;
export type HostActionMethod = 'run/openSource' | 'run/openDiff' | 'artifact/open' | 'run/environmentDiff';

export function isServiceMethod(method: string): method is ServiceMethod {
  return serviceRequests.some((request) => request.method === method);
}

export function isHostActionMethod(method: string): method is HostActionMethod {
  return hostActionRequests.some((request) => request.method === method);
}

/** Params and result of each service method, by method name. */
export interface ServiceMethods {
  'run/get': { params: GetRunParams; result: RunDashboardModel };
  'run/metricSeries': { params: MetricSeriesParams; result: MetricSeriesResult };
  'experiment/table': { params: ExperimentTableParams; result: ExperimentTableModel };
  'experiment/charts': { params: ExperimentChartsParams; result: ExperimentChartsResult };
  'experiment/exportCsv': { params: ExportCsvParams; result: ExportCsvResult };
  'compare/get': { params: CompareParams; result: CompareModel };
  'compare/candidates': { params: CompareCandidatesParams; result: CompareCandidatesResult };
  'note/set': { params: SetNoteParams; result: SetNoteResult };
  'artifact/preview': { params: ArtifactPreviewParams; result: ArtifactPreview };
  'trace/get': { params: GetTraceParams; result: TraceModel };
  'trace/logFeedback': { params: LogFeedbackParams; result: AssessmentModel };
  'trace/compare': { params: CompareTracesParams; result: TraceCompareModel };
}

// ---------------------------------------------------------------------------------------------
// Added for the hosts and the front end (the dashboards UI side): navigation between dashboards,
// the browser mode's start page, and the browser mode's addresses.
// ---------------------------------------------------------------------------------------------

/**
 * Open another dashboard (a run from the experiment table, a compare of the selected runs). VS Code
 * opens a panel; in the browser the page navigates to `dashboardPath(state)` itself.
 */
export interface OpenDashboardParams {
  readonly state: DashboardState;
}
export const OpenDashboardRequest = new RequestType<OpenDashboardParams, HostActionResult>('dashboard/open');

/** An experiment on the browser mode's start page. */
export interface ExperimentSummary {
  readonly experimentId: string;
  readonly name: string;
  readonly runCount: number;
}

/** The browser mode's start page: experiments (links to their dashboards) and the newest runs. */
export interface IndexModel {
  readonly experiments: readonly ExperimentSummary[];
  readonly runs: readonly RunRef[];
}
export type IndexParams = Record<string, never>;
/** Answered by the browser host (`runlens serve`); VS Code has the Runs view instead. */
export const IndexRequest = new RequestType<IndexParams, IndexModel>('index/get');

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
 * What the HTML shell carries inline, as a JSON data block (`<script type="application/json">` with
 * id `bootstrapElementId`), so the first paint needs no round trip. Saved panel state, when the
 * webview has some, wins over `state`.
 */
export type DashboardBootstrap = (
  | { readonly page: 'dashboard'; readonly state: DashboardState; readonly host: HostInfo }
  | { readonly page: 'index'; readonly host: HostInfo }
) & {
  /** Browser mode, on the sign-in page only: the session's page key, which the script keeps and sends back. */
  readonly pageKey?: string;
};

/** Browser mode: the header that carries the session's page key on every bridge request. */
export const pageKeyHeader = 'x-runlens-page-key';
/** Browser mode: the event stream's query parameter for the page key (EventSource sends no headers). */
export const pageKeyParameter = 'key';
/** Browser mode: the sign-in address's query parameter for the one-time code `runlens serve` prints. */
export const signInCodeParameter = 'code';

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
export const bootstrapElementId = 'runlens-bootstrap';
