import type { TopLevelSpec } from 'vega-lite/build/index';
import type { MetricDirection, MetricSummary, RunsChangedParams } from '../../core/runs/runReadModels';

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

/**
 * One run's series of a metric as a chart draws it (cleaned, smoothed, downsampled), before it has a
 * label: see `run/drawnSeries`.
 */
export interface DrawnSeries {
  readonly runId: string;
  readonly points: readonly { readonly x: number; readonly value: number; readonly smoothed?: number }[];
  /** Points the store holds. */
  readonly totalPoints: number;
  /** Values left out because the chart cannot place them (not finite, or not positive on a log scale). */
  readonly notDrawn: number;
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
