import type { ExperimentRow, RunRow } from '../../entities';
import { invalidParameter, notFound } from '../../errors';
import type { Reader } from '../databaseApi';

const experimentColumns =
  'experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time';
const runColumns =
  'run_id, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri';

/** Experiment ids are integers in the store and strings on the wire; anything else names no experiment. */
function parseExperimentId(id: string): number | undefined {
  if (!/^\d{1,15}$/.test(id)) return undefined;
  return Number(id);
}

export function findExperiment(db: Reader, id: string): ExperimentRow | undefined {
  const numeric = parseExperimentId(id);
  if (numeric === undefined) return undefined;
  return db.get<ExperimentRow>(`SELECT ${experimentColumns} FROM experiments WHERE experiment_id = ?`, [numeric]);
}

export function findExperimentByName(db: Reader, name: string): ExperimentRow | undefined {
  return db.get<ExperimentRow>(`SELECT ${experimentColumns} FROM experiments WHERE name = ?`, [name]);
}

export function requireExperiment(db: Reader, id: string): ExperimentRow {
  const row = findExperiment(db, id);
  if (!row) throw notFound(`No Experiment with id=${id} exists`);
  return row;
}

export function requireActiveExperiment(db: Reader, id: string): ExperimentRow {
  const row = requireExperiment(db, id);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(
      `The experiment ${id} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}

export function requireRun(db: Reader, runId: string): RunRow {
  const row = db.get<RunRow>(`SELECT ${runColumns} FROM runs WHERE run_id = ?`, [runId]);
  if (!row) throw notFound(`Run with id=${runId} not found`);
  return row;
}

/** Logging to a deleted run is refused, as MLflow does. */
export function requireActiveRun(db: Reader, runId: string): RunRow {
  const row = requireRun(db, runId);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(
      `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}
