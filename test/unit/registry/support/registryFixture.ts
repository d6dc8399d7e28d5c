import { Database } from '../../../../src/core/store/database';
import { ModelRegistry } from '../../../../src/core/store/modelRegistry';

export interface RegistryFixture {
  readonly db: Database;
  readonly registry: ModelRegistry;
  /** The registry's clock; `tick` moves it on, so "updated later" is a fact, not a race. */
  readonly clock: { now: number; tick(ms?: number): number };
}

export const startTime = 1_790_000_000_000;

/** A registry over a fresh in-memory database with a clock the test drives. */
export async function openRegistry(): Promise<RegistryFixture> {
  const db = await Database.open();
  const clock = {
    now: startTime,
    tick(ms = 1000) {
      clock.now += ms;
      return clock.now;
    },
  };
  return { db, registry: new ModelRegistry(db, { now: () => clock.now }), clock };
}

/**
 * A run row written straight into the tracking table: the registry only reads runs, and the
 * tracking store that normally writes them is not what these tests are about.
 */
export function insertRun(db: Database, runId: string, artifactUri: string): void {
  db.write((tx) =>
    tx.run(
      `INSERT INTO runs (run_id, experiment_id, name, status, start_time, artifact_uri)
       VALUES (?, 0, 'run', 'FINISHED', ?, ?)`,
      [runId, startTime, artifactUri],
    ),
  );
}

/** A logged model row, as the tracking store writes it for `POST logged-models`. */
export function insertLoggedModel(db: Database, modelId: string, artifactLocation: string, sourceRunId: string): void {
  db.write((tx) =>
    tx.run(
      `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
         last_updated_timestamp_ms, status, source_run_id)
       VALUES (?, 1, 'model', ?, ?, ?, 'LOGGED_MODEL_READY', ?)`,
      [modelId, artifactLocation, startTime, startTime, sourceRunId],
    ),
  );
}

/** Runs `fn` and returns the MLflow error it throws, failing when it throws nothing. */
export function errorOf(fn: () => unknown): { code: string; status: number; message: string } {
  try {
    fn();
  } catch (error) {
    const { code, status, message } = error as { code: string; status: number; message: string };
    return { code, status, message };
  }
  throw new Error('expected an error, got none');
}

/** Every row of every registry table, to prove a refused call changed nothing. */
export function registrySnapshot(db: Database): unknown {
  return Object.fromEntries(
    ['registered_models', 'registered_model_tags', 'model_versions', 'model_version_tags', 'registered_model_aliases'].map(
      (table) => [table, db.all(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)],
    ),
  );
}
