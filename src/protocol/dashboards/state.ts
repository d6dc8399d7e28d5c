import type { MetricDirection } from '../../core/runs/runReadModels';
import type { TraceDashboardState } from '../traceDashboard';
import type { FieldRef, MetricAggregation, MetricChartOptions } from './shapes';

// The dashboard kinds and their persisted state (what WebviewPanelSerializer restores).

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
