/** What the mirror of a remote server may copy and keep, and for how long. */
export interface MirrorLimits {
  /** How long a copy of a run that has ended is used before the server is asked again. */
  readonly ttlMs: number;
  /** The same for a run still RUNNING: it changes, so it is read again sooner. */
  readonly runningTtlMs: number;
  /** Requests in flight to the server at once. */
  readonly concurrency: number;
  /** Metric points one request may copy, shared among its runs (a compare of 100 runs gets 1/100 each). */
  readonly maxRequestPoints: number;
  /** Metric points copied of one run; past it the history is cut, and the view says so. */
  readonly maxRunPoints: number;
  /** Points written per transaction; between transactions the host serves others. */
  readonly writeChunkPoints: number;
  /** Full histories the mirror keeps in all; past it the least recently used go back to summaries. */
  readonly maxMirrorPoints: number;
  /** Runs of one experiment copied for its table (newest first). */
  readonly maxExperimentRuns: number;
  /** Points asked per metrics/get-history page (MLflow's server pages at 25,000). */
  readonly historyPageSize: number;
  /** For one request. */
  readonly timeoutMs: number;
}

export const defaultMirrorLimits: MirrorLimits = {
  ttlMs: 60_000,
  runningTtlMs: 5_000,
  concurrency: 6,
  maxRequestPoints: 2_000_000,
  maxRunPoints: 250_000,
  writeChunkPoints: 10_000,
  maxMirrorPoints: 4_000_000,
  maxExperimentRuns: 5_000,
  historyPageSize: 25_000,
  timeoutMs: 15_000,
};
