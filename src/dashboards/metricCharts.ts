import { maxSeriesPoints, type DrawnSeries, type MetricChartModel, type MetricChartOptions, type SeriesSummary } from '../protocol/dashboards/shapes';
import { metricHistorySpec, type MetricChartRow } from './chartSpecs';
import { downsampleIndexes } from './downsample';
import type { MetricColumns } from './metricSeriesReader';
import { emaSmooth } from './smoothing';
import type { DrawnSeriesResult, MetricSeriesResult } from '../protocol/dashboards/runRequests';
import { invalidParams } from './dashboardError';
import { requestLimits } from './requestLimits';
import { compareKeys } from './runDiff';

/** One run's history of one metric (step order), with its legend label. */
export interface RunHistory extends MetricColumns {
  readonly runId: string;
  /** Unique among the chart's runs (see `runLabels`). */
  readonly label: string;
}

/** Past this many drawn points, hovering uses the lines' own tooltips instead of one invisible point per value. */
const maxPointTooltips = 5000;

/**
 * Points one chart may hold over all its runs. A chart a few hundred pixels wide shows no more, and
 * the SVG it becomes must draw within the first-paint budget (100 runs in under a second); with many
 * runs each series gets a share (never more than `maxSeriesPoints`, never fewer than 100, which
 * still hold each series' first, last, minimum and maximum).
 */
export const maxChartPoints = 10_000;

export function seriesBudget(runCount: number): number {
  return Math.min(maxSeriesPoints, Math.max(100, Math.floor(maxChartPoints / Math.max(1, runCount))));
}

/**
 * A metric's history chart over one or more runs: each series is cleaned (values the chart cannot
 * place are left out: NaN and ±Infinity, and values ≤ 0 on a log scale), smoothed over the whole
 * series, then downsampled, so smoothing does not depend on the downsampling.
 */
export function buildMetricChart(
  key: string,
  histories: readonly RunHistory[],
  options: MetricChartOptions,
  maxPoints = seriesBudget(histories.length),
): MetricChartModel {
  return assembleMetricChart(
    key,
    histories.map((history) => ({ label: history.label, drawn: drawSeries(history, options, maxPoints) })),
    options,
  );
}

/**
 * One run's series as a chart draws it, without its label: each series is drawn on its own, so the
 * process that reads a run's history draws it, and a window that charts it beside runs read
 * elsewhere (a guest window comparing a workspace run with a remote one) only assembles the chart.
 */
export function drawSeries(history: MetricColumns & { readonly runId: string }, options: MetricChartOptions, maxPoints: number): DrawnSeries {
  const { xs, ys } = chartPoints(history, options);
  const smooth = options.smoothing > 0 ? emaSmooth(ys, options.smoothing) : undefined;
  const points = downsampleIndexes(xs, ys, maxPoints).map((i) => (smooth ? { x: xs[i], value: ys[i], smoothed: smooth[i] } : { x: xs[i], value: ys[i] }));
  // A summarized history (totalPoints) holds only some of its points: leaving some out is not news.
  const notDrawn = history.totalPoints === undefined ? history.values.length - ys.length : 0;
  return { runId: history.runId, points, totalPoints: history.totalPoints ?? history.values.length, notDrawn };
}

/** The chart of drawn series, each with its legend label (unique among the chart's runs: `runLabels`). */
export function assembleMetricChart(key: string, series: readonly { readonly label: string; readonly drawn: DrawnSeries }[], options: MetricChartOptions): MetricChartModel {
  const rows: MetricChartRow[] = [];
  const summaries: SeriesSummary[] = [];
  const notes: string[] = [];
  for (const { label, drawn } of series) {
    if (drawn.notDrawn > 0) {
      notes.push(`${label}: ${drawn.notDrawn} ${drawn.notDrawn === 1 ? 'value' : 'values'} not drawn (${options.logScale ? 'not positive or ' : ''}not finite).`);
    }
    for (const point of drawn.points) rows.push({ run: label, ...point });
    summaries.push({ runId: drawn.runId, runName: label, totalPoints: drawn.totalPoints, shownPoints: drawn.points.length });
  }
  const spec = metricHistorySpec({
    title: key,
    rows,
    runs: series.map(({ label }) => label),
    xAxis: options.xAxis,
    smoothed: options.smoothing > 0,
    logScale: options.logScale,
    pointTooltips: rows.length <= maxPointTooltips,
  });
  return { key, spec, series: summaries, notes };
}

/** One run of a metric chart request: what its legend label and the request's keys are made of. */
export interface SeriesRun {
  readonly runId: string;
  readonly name: string;
  readonly metricKeys: readonly string[];
}

/** What a run/metricSeries request draws: the keys it charts, every key its runs logged, the runs' legend labels. */
export interface SeriesPlan {
  readonly chartKeys: readonly string[];
  readonly availableKeys: readonly string[];
  readonly labels: readonly string[];
}

export function seriesPlan(runs: readonly SeriesRun[], keys: readonly string[] | undefined, limit: number | undefined): SeriesPlan {
  const availableKeys = [...new Set(runs.flatMap((run) => run.metricKeys))].sort(compareKeys);
  const chartKeys = (keys ?? availableKeys).slice(0, limit);
  if (chartKeys.length > requestLimits.seriesKeys) {
    throw invalidParams('run/metricSeries', `these runs have ${chartKeys.length} metrics; name at most ${requestLimits.seriesKeys} in 'keys' or set 'limit'.`);
  }
  return { chartKeys, availableKeys, labels: runLabels(runs.map((run) => ({ runId: run.runId, name: run.name }))) };
}

/** The run/metricSeries answer: a chart per planned key, of its runs' drawn series (`charts` in `plan.chartKeys` order, series in the runs' order). */
export function metricSeriesOf(plan: SeriesPlan, charts: DrawnSeriesResult['charts'], options: MetricChartOptions): MetricSeriesResult {
  return {
    charts: charts.map(({ key, series }) => assembleMetricChart(key, series.map((drawn, index) => ({ label: plan.labels[index], drawn })), options)),
    availableKeys: plan.availableKeys,
  };
}

/**
 * The drawable points as ascending x and y. `relative` is seconds since the series' first point, as
 * TensorBoard's relative axis. Wall time may go backwards (points logged with explicit timestamps):
 * time axes then sort by time, so that the line and the downsampling see ascending x.
 */
function chartPoints(history: MetricColumns, options: MetricChartOptions): { xs: number[]; ys: number[] } {
  const { steps, values, timestamps } = history;
  const xSource = options.xAxis === 'step' ? steps : timestamps;
  if (xSource === undefined) throw new Error('Time axes need the timestamps of the series.');
  // Plain loops: this runs over every logged point of every charted run.
  let xs: number[] = [];
  let ys: number[] = [];
  let ascending = true;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (!Number.isFinite(value) || (options.logScale && value <= 0)) continue;
    const x = xSource[i];
    if (xs.length > 0 && x < xs[xs.length - 1]) ascending = false;
    xs.push(x);
    ys.push(value);
  }
  if (!ascending) {
    const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
    xs = order.map((i) => xs[i]);
    ys = order.map((i) => ys[i]);
  }
  if (options.xAxis === 'relative' && xs.length > 0) {
    const origin = xs[0];
    for (let i = 0; i < xs.length; i += 1) xs[i] = (xs[i] - origin) / 1000;
  }
  return { xs, ys };
}

/**
 * Legend labels for runs: their names, with a short id added where two runs share a name (the
 * colour scale joins equal labels into one line otherwise).
 */
export function runLabels(runs: readonly { readonly runId: string; readonly name: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.name, (counts.get(run.name) ?? 0) + 1);
  return runs.map((run) => {
    const name = run.name === '' ? run.runId.slice(0, 8) : run.name;
    return (counts.get(run.name) ?? 0) > 1 ? `${name} (${run.runId.slice(0, 7)})` : name;
  });
}
