import { maxSeriesPoints, type MetricChartModel, type MetricChartOptions, type SeriesSummary } from '../protocol/dashboards/shapes';
import { metricHistorySpec, type MetricChartRow } from './chartSpecs';
import { downsampleIndexes } from './downsample';
import type { MetricColumns } from './metricSeriesReader';
import { emaSmooth } from './smoothing';

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
  const rows: MetricChartRow[] = [];
  const series: SeriesSummary[] = [];
  const notes: string[] = [];
  const smoothed = options.smoothing > 0;
  for (const history of histories) {
    const { xs, ys } = chartPoints(history, options);
    // A summarized history (totalPoints) holds only some of its points: leaving some out is not news.
    const left = history.totalPoints === undefined ? history.values.length - ys.length : 0;
    if (left > 0) {
      notes.push(`${history.label}: ${left} ${left === 1 ? 'value' : 'values'} not drawn (${options.logScale ? 'not positive or ' : ''}not finite).`);
    }
    const smooth = smoothed ? emaSmooth(ys, options.smoothing) : undefined;
    const indexes = downsampleIndexes(xs, ys, maxPoints);
    for (const i of indexes) {
      rows.push(smooth ? { run: history.label, x: xs[i], value: ys[i], smoothed: smooth[i] } : { run: history.label, x: xs[i], value: ys[i] });
    }
    series.push({ runId: history.runId, runName: history.label, totalPoints: history.totalPoints ?? history.values.length, shownPoints: indexes.length });
  }
  const spec = metricHistorySpec({
    title: key,
    rows,
    runs: histories.map((history) => history.label),
    xAxis: options.xAxis,
    smoothed,
    logScale: options.logScale,
    pointTooltips: rows.length <= maxPointTooltips,
  });
  return { key, spec, series, notes };
}

/**
 * The drawable points as ascending x and y. `relative` is seconds since the series' first point, as
 * TensorBoard's relative axis. Wall time may go backwards (points logged with explicit timestamps):
 * time axes then sort by time, so that the line and the downsampling see ascending x.
 */
function chartPoints(history: RunHistory, options: MetricChartOptions): { xs: number[]; ys: number[] } {
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
