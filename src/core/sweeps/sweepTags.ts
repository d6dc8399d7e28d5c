/** Tags of a sweep's runs: the sweep each run belongs to, and on the parent run, the queue's progress. */
export const SweepTag = {
  /** On the parent run and every run of the sweep. */
  SweepId: 'runlens.sweep.id',
  /** MLflow's nesting tag: the Runs view and MLflow's UI show the sweep's runs under the parent. */
  ParentRunId: 'mlflow.parentRunId',
  /** On the parent run only: `4/6 done, 2 running, 0 failed, 0 queued`. */
  Progress: 'runlens.sweep.progress',
  /** On each run: the point's arguments and variables, as JSON, as the sweep varied them. */
  Values: 'runlens.sweep.values',
} as const;
