import type { Run } from '../entities';
import type { MetricDirection } from '../runs/runReadModels';
import { resolveDirection } from '../runs/metricDirection';
import type { TrackingStore } from '../store/trackingStore';

/** The tag MLflow's client and RunLens's launcher set to the file that ran. */
export const sourceNameTag = 'mlflow.source.name';

/** The metric a file's runs are judged by, and which way is better. */
export interface PrimaryMetric {
  readonly key: string;
  readonly direction: MetricDirection;
}

/** What the editor shows about one file: its runs in the store, newest first, and the best of them. */
export interface FileRuns {
  /** Every active run of the file. */
  readonly total: number;
  /** The experiment of the newest run: the one the lens's dashboard opens. */
  readonly experimentId: string;
  /** The newest runs (up to the limit asked for), newest first. */
  readonly recent: readonly Run[];
  readonly primary?: PrimaryMetric;
  /** The run with the best value of the primary metric, among all the file's runs of the experiment. */
  readonly best?: Run;
  /** The filter (MLflow's language) that selects the file's runs: the dashboard opens with it. */
  readonly filter: string;
}

export interface FileRunsQuery {
  /** The names the file's runs may carry in `mlflow.source.name` (workspace-relative, absolute). */
  readonly sourceNames: readonly string[];
  /** How many of the newest runs to return. */
  readonly recent: number;
  /** The experiment's primary metric key (the person's choice or the default), or undefined. */
  readonly primaryMetricOf: (experimentId: string) => string | undefined;
}

/**
 * The runs of a file, read through the tag index (migration 8) so that the cost follows the file's
 * runs, not the store's: their ids newest first (which gives the count), the newest page, and the
 * best run by the primary metric. Undefined when the store holds no active run of the file.
 */
export function readFileRuns(tracking: TrackingStore, query: FileRunsQuery): FileRuns | undefined {
  const tagged = { key: sourceNameTag, values: query.sourceNames };
  const ids = tracking.taggedRunIds(tagged);
  const newest = ids[0];
  if (!newest) return undefined;
  const recent = tracking.getRuns(ids.slice(0, query.recent).map((id) => id.runId));
  const filter = sourceFilter(query.sourceNames);
  const { experimentId } = newest;
  const key = query.primaryMetricOf(experimentId);
  if (key === undefined) return { total: ids.length, experimentId, recent, filter };
  const primary: PrimaryMetric = { key, direction: resolveDirection(key).direction };
  const bestId = tracking.bestTaggedRunId(tagged, experimentId, key, primary.direction === 'lower');
  const best = bestId === undefined ? undefined : (recent.find((run) => run.info.run_id === bestId) ?? tracking.getRuns([bestId])[0]);
  return { total: ids.length, experimentId, recent, primary, best, filter };
}

/** The run's latest value of a metric, when it logged one that is a number (not NaN). */
export function metricValue(run: Run, key: string): number | undefined {
  // Over JSON (a guest window's read) NaN comes as null or "NaN": not a number either.
  const value: unknown = run.data.metrics?.find((m) => m.key === key)?.value;
  return typeof value !== 'number' || Number.isNaN(value) ? undefined : value;
}

/**
 * `tags.\`mlflow.source.name\` IN ('a', 'b')`. The names are string literals of the filter language
 * (a backslash escapes a quote or itself there, and a doubled quote is one), never SQL.
 */
export function sourceFilter(sourceNames: readonly string[]): string {
  const names = [...new Set(sourceNames)].map((name) => `'${name.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`);
  return `tags.\`${sourceNameTag}\` IN (${names.join(', ')})`;
}
