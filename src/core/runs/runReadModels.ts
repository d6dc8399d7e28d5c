/**
 * The shapes of what core reads about runs for the views: a metric's summary, which way is better
 * for a metric, which runs changed. src/protocol re-exports them as the dashboards' message types.
 */

/** Which way is better for a metric. */
export type MetricDirection = 'lower' | 'higher';

/** One metric of one run, summarised (from the store's latest-metric row). */
export interface MetricSummary {
  readonly key: string;
  /** The value at the highest step (latest timestamp on ties), as MLflow's "latest". */
  readonly last: number;
  readonly lastStep: number;
  readonly lastTimestamp: number;
  /** Over every logged value; NaN values are not counted in min and max (NaN when all are NaN). */
  readonly min: number;
  readonly max: number;
  /** How many values were logged. */
  readonly points: number;
}

/** Runs whose data changed (metrics, params, tags, status, note, artifacts), so an open dashboard refreshes. */
export type RunsChangedParams = { readonly all: true } | { readonly all: false; readonly runIds: readonly string[] };
