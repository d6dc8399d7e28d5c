import type { Run } from '../entities';
import type { Reader, WriteTransaction } from '../store/databaseApi';
import { createExperiment, defaultExperimentId, getExperimentByName } from '../store/tracking/experiments';
import { updateRun } from '../store/tracking/runs';
import { setTag } from '../store/tracking/runWrites';
import { exitCodeOf, noteOfEnding, signalOf, statusOfEnding, type LaunchEnding, type LaunchStatus } from './launchEnding';
import { createImprintedRun, type LaunchImprint } from './launchImprint';
import { endLaunchRow, runsOfLaunch, type LaunchRow } from './launchRows';
import { LaunchTag } from './launchTags';

// What ending a launch writes: its row, the run made for a script that made none, and on each of
// its runs the exit code, the status of those still RUNNING and RunLens's note.

/** What a launch's end wrote, for the ended launch LaunchService returns. */
export interface LaunchEndWrite {
  readonly status: Exclude<LaunchStatus, 'RUNNING'>;
  readonly exitCode?: number;
  readonly signal?: string;
  /** Its runs after the end, oldest first. */
  readonly runIds: string[];
  /** The run made because the script made none. */
  readonly madeRun?: Run;
}

/**
 * Ends a RUNNING launch's row and its runs in the caller's transaction: runs still RUNNING take the
 * ending's status (runs the script ended keep theirs), every run records the exit code or signal,
 * and a local launch whose script started but created no run gets one, in `fallbackExperiment`.
 */
export function writeLaunchEnd(
  tx: WriteTransaction,
  row: LaunchRow,
  ending: LaunchEnding,
  imprint: LaunchImprint,
  fallbackExperiment: string | undefined,
  endedTime: number,
): LaunchEndWrite {
  const status = statusOfEnding(ending);
  const exitCode = exitCodeOf(ending);
  const signal = signalOf(ending);
  const note = noteOfEnding(ending);
  const launchId = row.launch_id;
  endLaunchRow(tx, launchId, { status, exitCode, endedTime });
  let runs = runsOfLaunch(tx, launchId);
  let madeRun: Run | undefined;
  // A remote launch's runs are on its server: this store keeps only its record.
  if (runs.length === 0 && ending.kind !== 'notStarted' && row.remote_json === null) {
    const experimentId = experimentIdFor(tx, fallbackExperiment, endedTime);
    madeRun = createImprintedRun(tx, { experimentId, startTime: row.created_time, launchId }, imprint, endedTime);
    runs = runsOfLaunch(tx, launchId);
  }
  for (const run of runs) {
    if (exitCode !== undefined) setTag(tx, run.run_id, LaunchTag.ExitCode, String(exitCode));
    if (signal !== undefined) setTag(tx, run.run_id, LaunchTag.ExitSignal, signal);
    if (run.status !== 'RUNNING') continue;
    updateRun(tx, run.run_id, { status, endTime: endedTime });
    if (note !== undefined) addNote(tx, run.run_id, note);
  }
  return {
    status,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(signal !== undefined ? { signal } : {}),
    runIds: runs.map((run) => run.run_id),
    ...(madeRun !== undefined ? { madeRun } : {}),
  };
}

/** The experiment named, made when missing; Default when none is named or it was deleted. */
function experimentIdFor(tx: WriteTransaction, name: string | undefined, now: number): string {
  if (!name || name === 'Default') return defaultExperimentId;
  const existing = getExperimentByName(tx, name);
  if (existing) return existing.lifecycle_stage === 'active' ? existing.experiment_id : defaultExperimentId;
  return createExperiment(tx, { name }, now);
}

/** RunLens's note on the run, and MLflow's description too unless the person or script already wrote one. */
function addNote(tx: WriteTransaction, runId: string, note: string): void {
  setTag(tx, runId, LaunchTag.Note, note);
  if (!hasTag(tx, runId, LaunchTag.MlflowNote)) setTag(tx, runId, LaunchTag.MlflowNote, note);
}

function hasTag(db: Reader, runId: string, key: string): boolean {
  return db.get('SELECT 1 AS found FROM tags WHERE run_id = ? AND key = ?', [runId, key]) !== undefined;
}
