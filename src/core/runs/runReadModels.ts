/**
 * The shapes of what core reads about runs for the views: a metric's summary, which way is better
 * for a metric, the models a run logged, which runs changed. src/protocol re-exports them as the
 * dashboards' message types; src/remote reads a remote server's runs into the same shapes.
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

/**
 * A model a run logged (MLflow 3's logged models, found by `source_run_id`): its files live under
 * the model's own artifact location, not the run's artifacts.
 */
export interface LoggedModelSummary {
  readonly modelId: string;
  readonly name: string;
  /** LOGGED_MODEL_READY, LOGGED_MODEL_PENDING or LOGGED_MODEL_UPLOAD_FAILED. */
  readonly status: string;
  readonly artifactUri: string;
  readonly creationTime: number;
  /** The metrics logged against the model (MLflow 3's `log_metric(..., model_id=)`), every point the store keeps. */
  readonly metrics: readonly LoggedModelMetricSummary[];
}

/**
 * A model's metric point as it was logged, with the evaluation dataset it was computed on when the
 * script named one; the model it belongs to is the summary that lists it. (Written here, not as the
 * store's MetricInput minus its model: the webview bundles these types and must not reach the store.)
 */
export interface LoggedModelMetricSummary {
  readonly key: string;
  /** May be NaN or ±Infinity. */
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** Runs whose data changed (metrics, params, tags, status, note, artifacts), so an open dashboard refreshes. */
export type RunsChangedParams = { readonly all: true } | { readonly all: false; readonly runIds: readonly string[] };
