import type { Reader } from '../store/databaseApi';

/** A launched run that failed and is the latest top-level run of its file. */
export interface LatestFailedRun {
  readonly runId: string;
  /** `mlflow.source.name`: the file that ran, workspace-relative when RunLens launched it. */
  readonly sourceName: string;
}

/**
 * For each file that has runs (`mlflow.source.name`), its latest ended top-level run, when that run
 * FAILED and RunLens launched it (a script RunLens did not launch leaves no output log to read).
 * Nested runs share their parent's file and end with it; the parent is the run people know.
 */
export function latestFailedRuns(db: Reader): LatestFailedRun[] {
  return db.all<LatestFailedRun>(
    `SELECT runId, sourceName FROM (
       SELECT r.run_id AS runId, t.value AS sourceName, r.status AS status, r.launch_id AS launchId,
              ROW_NUMBER() OVER (PARTITION BY t.value ORDER BY r.start_time DESC, r.rowid DESC) AS newest
       FROM runs r JOIN tags t ON t.run_id = r.run_id AND t.key = 'mlflow.source.name'
       WHERE r.lifecycle_stage = 'active' AND r.status != 'RUNNING'
         AND NOT EXISTS (SELECT 1 FROM tags p WHERE p.run_id = r.run_id AND p.key = 'mlflow.parentRunId')
     )
     WHERE newest = 1 AND status = 'FAILED' AND launchId IS NOT NULL
     ORDER BY sourceName`,
  );
}
