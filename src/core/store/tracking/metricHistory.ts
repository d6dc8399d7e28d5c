import type { Metric, MetricWithRunId } from '../../entities';
import { invalidParameter } from '../../errors';
import { decodeOffsetToken, encodeOffsetToken } from '../../search/paging';
import type { Reader } from '../databaseApi';
import type { PointColumns } from '../series/pointRecords';
import { requireRun } from './lookups';
import { readHistoryRange, seriesOf } from './seriesReads';
import { nextPage } from './sqlHelpers';

export interface MetricPage {
  readonly metrics: Metric[];
  readonly nextPageToken?: string;
}

export interface HistoryPaging {
  /** Absent: the whole history (from the page token on). */
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/**
 * The order of a metric's history: by step, then timestamp, then value (NaN first), then the order
 * the point was logged (series/pointRecords.ts compareHistory). MLflow leaves the order of points
 * with equal step and timestamp unspecified; this one is total, so an offset page token resumes
 * exactly where its page ended. As SQL, for the points `metrics` keeps (those linked to a model).
 */
export const historyOrder = 'step, timestamp, value, is_nan, seq';

/** One page of a metric's history, in `historyOrder`, to be read whole or a slice at a time. */
export interface HistoryPage {
  /** Points in the page. */
  readonly count: number;
  readonly nextPageToken?: string;
  /**
   * Points `from..from+count` of the page (0 is its first), as columns: one read of the history
   * file from that point on, so that a long page can be read and written a slice at a time.
   */
  read(from: number, count: number): PointColumns;
}

const emptyPage: HistoryPage = { count: 0, read: () => ({ steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) }) };

/** One metric's points for one run, in `historyOrder`, a page at a time. */
export function getMetricHistory(db: Reader, runId: string, key: string, paging: HistoryPaging = {}): MetricPage {
  const page = metricHistoryPage(db, runId, key, paging);
  const { steps, timestamps, values } = page.read(0, page.count);
  const metrics: Metric[] = [];
  for (let i = 0; i < steps.length; i++) metrics.push({ key, value: values[i], timestamp: timestamps[i], step: steps[i] });
  return { metrics, ...nextPage(page.nextPageToken) };
}

/**
 * The page of `getMetricHistory`, as columns read straight from the history file at the page's
 * offset, so that no object is built per point: the REST reply writes its JSON from the columns
 * (DESIGN.md budgets a 25,000-point page, and 500,000 points paged).
 */
export function metricHistoryPage(db: Reader, runId: string, key: string, paging: HistoryPaging): HistoryPage {
  requireRun(db, runId);
  const offset = decodeOffsetToken(paging.pageToken);
  const maxResults = paging.maxResults;
  if (maxResults !== undefined && (!Number.isSafeInteger(maxResults) || maxResults < 1)) {
    throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
  }
  const series = seriesOf(db, runId, key);
  if (!series) return emptyPage;
  const count = Math.max(0, Math.min(maxResults ?? series.count, series.count - offset));
  const more = maxResults !== undefined && offset + maxResults < series.count;
  return {
    count,
    ...(more ? { nextPageToken: encodeOffsetToken(offset + maxResults) } : {}),
    read: (from, wanted) => {
      const points = readHistoryRange(db, series, offset + from, Math.min(wanted, count - from));
      // The history file holds fewer points only if it went away between slices: a purge of the run.
      if (points.steps.length < Math.min(wanted, count - from)) requireRun(db, runId);
      return points;
    },
  };
}

/** Several metrics' full histories for one run (the extension's charts), each in `historyOrder`. */
export function getMetricHistories(db: Reader, runId: string, keys: readonly string[]): Map<string, Metric[]> {
  const histories = new Map<string, Metric[]>(keys.map((key) => [key, []]));
  for (const key of new Set(keys)) {
    const series = seriesOf(db, runId, key);
    if (!series) continue;
    const points = readHistoryRange(db, series, 0, series.count);
    const list = histories.get(key) as Metric[];
    for (let i = 0; i < points.steps.length; i++) {
      list.push({ key, value: points.values[i], timestamp: points.timestamps[i], step: points.steps[i] });
    }
  }
  return histories;
}

const bulkIntervalLimits = { maxRuns: 100, maxResultsPerRun: 2500, maxPointsPerRun: 25000 } as const;

export interface BulkIntervalRequest {
  readonly runIds: readonly string[];
  readonly metricKey: string;
  readonly startStep?: number;
  readonly endStep?: number;
  /** Steps to sample across the range; 2,500 by default. */
  readonly maxResults?: number;
}

/**
 * A metric across several runs, sampled to at most `maxResults` steps (plus each run's first and
 * last step) between startStep and endStep, as MLflow's get-history-bulk-interval does for charts.
 */
export function getMetricHistoryBulkInterval(db: Reader, request: BulkIntervalRequest): MetricWithRunId[] {
  const { runIds, metricKey } = request;
  const maxResults = request.maxResults ?? bulkIntervalLimits.maxResultsPerRun;
  if (runIds.length > bulkIntervalLimits.maxRuns) {
    throw invalidParameter(
      `GetMetricHistoryBulkInterval request must specify at most ${bulkIntervalLimits.maxRuns} run_ids.` +
        ` Received ${runIds.length} run_ids.`,
    );
  }
  if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > bulkIntervalLimits.maxResultsPerRun) {
    throw invalidParameter(`max_results must be between 1 and ${bulkIntervalLimits.maxResultsPerRun}.`);
  }
  if ((request.startStep === undefined) !== (request.endStep === undefined)) {
    throw invalidParameter('If either start step or end step are specified, both must be specified.');
  }
  if (request.startStep !== undefined && request.endStep !== undefined && request.startStep > request.endStep) {
    throw invalidParameter(
      `end_step must be greater than start_step. Found start_step=${request.startStep} and end_step=${request.endStep}.`,
    );
  }
  const histories = runIds.map((runId) => {
    const series = seriesOf(db, runId, metricKey);
    return series ? readHistoryRange(db, series, 0, series.count) : undefined;
  });
  const stepsByRun = histories.map((points) => distinctSteps(points?.steps));
  const allSteps = [...new Set(stepsByRun.flat())].sort((a, b) => a - b);
  const start = request.startStep ?? 0;
  const end = request.endStep ?? allSteps[allSteps.length - 1] ?? 0;
  const ends = stepsByRun.flatMap((steps) => (steps.length > 0 ? [steps[0], steps[steps.length - 1]] : []));
  const wanted = new Set([...sampleSteps(allSteps, start, end, maxResults), ...ends.filter((s) => s >= start && s <= end)]);
  return runIds.flatMap((runId, index) => pointsAtSteps(runId, metricKey, histories[index], wanted));
}

/** The distinct steps of a history in history order (ascending). */
function distinctSteps(steps: Float64Array | undefined): number[] {
  const distinct: number[] = [];
  for (const step of steps ?? []) if (distinct.length === 0 || distinct[distinct.length - 1] !== step) distinct.push(step);
  return distinct;
}

function pointsAtSteps(runId: string, key: string, points: PointColumns | undefined, steps: ReadonlySet<number>): MetricWithRunId[] {
  const found: MetricWithRunId[] = [];
  if (!points) return found;
  for (let i = 0; i < points.steps.length && found.length < bulkIntervalLimits.maxPointsPerRun; i++) {
    if (!steps.has(points.steps[i])) continue;
    found.push({ key, value: points.values[i], timestamp: points.timestamps[i], step: points.steps[i], run_id: runId });
  }
  return found;
}

/** Evenly spaced steps among those logged within [start, end], always keeping the last one. */
function sampleSteps(allSteps: readonly number[], start: number, end: number, maxResults: number): number[] {
  const first = lowerBound(allSteps, start);
  const last = upperBound(allSteps, end);
  const count = last - first;
  if (count <= maxResults) return allSteps.slice(first, last);
  const interval = count / maxResults;
  const sampled: number[] = [];
  for (let i = 0; i < maxResults; i += 1) sampled.push(allSteps[first + Math.floor(i * interval)]);
  sampled.push(allSteps[last - 1]);
  return sampled;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
