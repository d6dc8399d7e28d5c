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

/** Takes a history's points one at a time, in history order; a NaN value arrives as NaN. */
export type PointVisitor = (value: number, timestamp: number, step: number) => void;

/** One metric's points for one run, in `historyOrder`, a page at a time. */
export function getMetricHistory(db: Reader, runId: string, key: string, paging: HistoryPaging = {}): MetricPage {
  const metrics: Metric[] = [];
  const nextPageToken = visitMetricHistory(db, runId, key, paging, (value, timestamp, step) => {
    metrics.push({ key, value, timestamp, step });
  });
  return { metrics, ...nextPage(nextPageToken) };
}

/**
 * The points of `getMetricHistory`, handed to `visit` while SQLite steps through them, so that no
 * rows are kept and no objects built: the REST reply writes its JSON from them directly (DESIGN.md
 * budgets a 25,000-point history). Returns the next page's token, if there is one.
 */
export function visitMetricHistory(
  db: Reader,
  runId: string,
  key: string,
  paging: HistoryPaging,
  visit: PointVisitor,
): string | undefined {
  requireRun(db, runId);
  const offset = decodeOffsetToken(paging.pageToken);
  const maxResults = paging.maxResults;
  if (maxResults !== undefined && (!Number.isSafeInteger(maxResults) || maxResults < 1)) {
    throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
  }
  const series = seriesOf(db, runId, key);
  if (!series) return undefined;
  const count = maxResults ?? series.count;
  const page = readHistoryRange(db, series, offset, count);
  for (let i = 0; i < page.steps.length; i++) visit(page.values[i], page.timestamps[i], page.steps[i]);
  return maxResults !== undefined && offset + maxResults < series.count ? encodeOffsetToken(offset + maxResults) : undefined;
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
