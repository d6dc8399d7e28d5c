import type { Metric, MetricWithRunId } from '../../entities';
import { invalidParameter } from '../../errors';
import { decodeOffsetToken, pagedQuery } from '../../search/paging';
import type { Reader } from '../database';
import { requireRun } from './lookups';
import { chunks, nextPage, placeholders } from './sqlHelpers';

/**
 * `SELECT value, timestamp, step`, read as arrays: histories are long, and both choices make reading
 * 25,000 points about twice as fast. NaN is the only value stored as NULL (`is_nan` says so too).
 */
const pointColumns = 'value, timestamp, step';
type PointValues = [value: number | null, timestamp: number, step: number];

function pointOf(key: string, [value, timestamp, step]: PointValues): Metric {
  return { key, value: value ?? NaN, timestamp, step };
}

function readPoints(db: Reader, sql: string, params: readonly (string | number)[]): PointValues[] {
  return db.values(sql, params) as PointValues[];
}

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
 * The order of a metric's history: by step, then timestamp, then value (NaN, stored as NULL,
 * first), then the order the point was logged. MLflow leaves the order of points with equal step
 * and timestamp unspecified; this one is the `metrics_by_run_key` index (run_id, key, step,
 * timestamp, value, is_nan) with its implicit rowid, so reads of one run's history never sort, and
 * those of value, timestamp and step alone read nothing but the index. Total (rowid is unique), so
 * an offset page token resumes exactly where its page ended.
 */
export const historyOrder = 'step, timestamp, value, is_nan, rowid';

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
  const select = {
    sql: `SELECT ${pointColumns} FROM metrics WHERE run_id = ? AND key = ? ORDER BY ${historyOrder}`,
    params: [runId, key],
  };
  const maxResults = paging.maxResults;
  if (maxResults === undefined) {
    db.each(`${select.sql} LIMIT -1 OFFSET ?`, [...select.params, offset], (row) => visitRow(visit, row as PointValues));
    return undefined;
  }
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
    throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
  }
  const query = pagedQuery(select, maxResults, offset);
  let rowCount = 0;
  // The query reads one row past the page: it only tells that another page follows.
  db.each(query.sql, query.params as (string | number)[], (row) => {
    rowCount += 1;
    if (rowCount <= maxResults) visitRow(visit, row as PointValues);
  });
  return query.nextPageToken(rowCount);
}

function visitRow(visit: PointVisitor, [value, timestamp, step]: PointValues): void {
  visit(value ?? NaN, timestamp, step);
}

/** Several metrics' full histories for one run (the extension's charts), each in `historyOrder`. */
export function getMetricHistories(db: Reader, runId: string, keys: readonly string[]): Map<string, Metric[]> {
  const histories = new Map<string, Metric[]>(keys.map((key) => [key, []]));
  for (const part of chunks([...new Set(keys)])) {
    const rows = db.values(
      `SELECT key, ${pointColumns} FROM metrics
       WHERE run_id = ? AND key IN (${placeholders(part.length)}) ORDER BY key, ${historyOrder}`,
      [runId, ...part],
    ) as [string, ...PointValues][];
    for (const [key, ...point] of rows) histories.get(key)?.push(pointOf(key, point));
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
  const stepsByRun = runIds.map((runId) =>
    db
      .all<{ step: number }>('SELECT DISTINCT step FROM metrics WHERE run_id = ? AND key = ? ORDER BY step', [runId, metricKey])
      .map((row) => row.step),
  );
  const allSteps = [...new Set(stepsByRun.flat())].sort((a, b) => a - b);
  const start = request.startStep ?? 0;
  const end = request.endStep ?? allSteps[allSteps.length - 1] ?? 0;
  const ends = stepsByRun.flatMap((steps) => (steps.length > 0 ? [steps[0], steps[steps.length - 1]] : []));
  const wanted = new Set([...sampleSteps(allSteps, start, end, maxResults), ...ends.filter((s) => s >= start && s <= end)]);
  const steps = [...wanted].sort((a, b) => a - b);
  return runIds.flatMap((runId) => pointsAtSteps(db, runId, metricKey, steps));
}

function pointsAtSteps(db: Reader, runId: string, key: string, steps: readonly number[]): MetricWithRunId[] {
  const points: MetricWithRunId[] = [];
  for (const part of chunks(steps)) {
    const rows = readPoints(
      db,
      `SELECT ${pointColumns} FROM metrics
       WHERE run_id = ? AND key = ? AND step IN (${placeholders(part.length)}) ORDER BY ${historyOrder} LIMIT ?`,
      [runId, key, ...part, bulkIntervalLimits.maxPointsPerRun - points.length],
    );
    for (const row of rows) points.push({ ...pointOf(key, row), run_id: runId });
    if (points.length >= bulkIntervalLimits.maxPointsPerRun) break;
  }
  return points;
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
