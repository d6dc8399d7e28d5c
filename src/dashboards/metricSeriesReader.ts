import type { Reader } from '../core/store/databaseApi';
import type { SummaryPoint } from '../core/store/series/summaries';
import { readHistoryRange, seriesOf, type SeriesInfo } from '../core/store/tracking/seriesReads';

/** One run's history of one metric, column by column, in history order (step, then timestamp, then value). */
export interface MetricColumns {
  readonly steps: number[];
  /** NaN where the value is NaN. */
  readonly values: number[];
  /** Present when asked for (time axes). */
  readonly timestamps?: number[];
  /** Points in the whole history, when the columns hold only its summary (a long history). */
  readonly totalPoints?: number;
}

/**
 * Past this many points a chart draws a history from its precomputed summaries (the first, last,
 * least and greatest point of each bucket) instead of every point: what a chart a few hundred
 * pixels wide shows is the same, and the chart data of a 10,000,000-point metric is read in well
 * under the 200 ms budget instead of reading 280 MB.
 */
export const summarizedPast = 200_000;
/** Summary entries to read at least: four points each, far more than a chart keeps. */
const summaryEntries = 4000;

/**
 * Reads metric histories as columns, straight from the history files. Charts read a whole history
 * per run and per key: 100 runs × 10,000 points must take well under a second, and building a
 * `Metric` object per point (TrackingStore.getMetricHistories) costs about three times the read.
 */
export function readMetricColumns(db: Reader, runId: string, key: string, withTimestamps: boolean): MetricColumns {
  const series = seriesOf(db, runId, key);
  if (!series) return withTimestamps ? { steps: [], values: [], timestamps: [] } : { steps: [], values: [] };
  if (series.count > summarizedPast && series.inOrder) return summarized(db, series, withTimestamps);
  const points = readHistoryRange(db, series, 0, series.count);
  const steps = Array.from(points.steps);
  const values = Array.from(points.values);
  return withTimestamps ? { steps, values, timestamps: Array.from(points.timestamps) } : { steps, values };
}

/** A long history logged in order, as the points of its summaries, in history order. */
function summarized(db: Reader, series: SeriesInfo, withTimestamps: boolean): MetricColumns {
  const steps: number[] = [];
  const values: number[] = [];
  const timestamps: number[] = [];
  const { entries } = db.series.summaries(series, series.count, summaryEntries);
  for (const entry of entries) {
    // A bucket without a finite value has no min and max to draw.
    const extremes = Number.isNaN(entry.min.value) ? [] : [entry.min, entry.max];
    const points = [entry.first, ...extremes, entry.last].sort(byHistory);
    let previous: SummaryPoint | undefined;
    for (const point of points) {
      if (previous && previous.step === point.step && previous.timestamp === point.timestamp && Object.is(previous.value, point.value)) continue;
      steps.push(point.step);
      values.push(point.value);
      timestamps.push(point.timestamp);
      previous = point;
    }
  }
  const columns = { steps, values, totalPoints: series.count };
  return withTimestamps ? { ...columns, timestamps } : columns;
}

function byHistory(a: SummaryPoint, b: SummaryPoint): number {
  return a.step - b.step || a.timestamp - b.timestamp;
}
