/** Limits on what one request may ask for, so that no request can stall the host. */
export const requestLimits = {
  seriesRuns: 100,
  seriesKeys: 100,
  chartRuns: 500,
  compareRuns: 100,
  parallelAxes: 30,
  tablePage: 1000,
  defaultTablePage: 200,
  candidates: 200,
  defaultCandidates: 50,
  noteLength: 100_000,
  /** A run dashboard lists this many of the run's newest traces. */
  runTraces: 100,
  queryLength: 500,
  filterLength: 10_000,
  /** Remote runs whose whole histories one table or chart may copy (for min and max). */
  remoteHistoryRuns: 200,
  /** How long the compare's picker waits for a remote server before leaving it out. */
  remoteSearchMs: 3_000,
} as const;
