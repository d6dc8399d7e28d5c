import type { Reader, WriteTransaction } from '../store/databaseApi';
import { createExperiment, defaultExperimentId, getExperimentByName } from '../store/tracking/experiments';
import { setTag } from '../store/tracking/runWrites';
import { LaunchTag } from './launchTags';

// What ending a launch writes besides its own row: the experiment of a run it made, and its note on its runs.

/** The experiment named, made when missing; Default when none is named or it was deleted. */
export function experimentIdFor(tx: WriteTransaction, name: string | undefined, now: number): string {
  if (!name || name === 'Default') return defaultExperimentId;
  const existing = getExperimentByName(tx, name);
  if (existing) return existing.lifecycle_stage === 'active' ? existing.experiment_id : defaultExperimentId;
  return createExperiment(tx, { name }, now);
}

/** RunLens's note on the run, and MLflow's description too unless the person or script already wrote one. */
export function addNote(tx: WriteTransaction, runId: string, note: string): void {
  setTag(tx, runId, LaunchTag.Note, note);
  if (!hasTag(tx, runId, LaunchTag.MlflowNote)) setTag(tx, runId, LaunchTag.MlflowNote, note);
}

function hasTag(db: Reader, runId: string, key: string): boolean {
  return db.get('SELECT 1 AS found FROM tags WHERE run_id = ? AND key = ?', [runId, key]) !== undefined;
}
