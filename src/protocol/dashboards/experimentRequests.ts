import { RequestType } from '../messages';
import type { ChartModel, FieldRef, MetricAggregation, MetricChartModel, MetricChartOptions, RunStatus } from './shapes';
import type { ParallelChartSettings, TableSort } from './state';

// The experiment dashboard's requests, answered from the store (DashboardService).
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
