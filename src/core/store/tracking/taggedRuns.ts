import type { Run } from '../../entities';
import type { Reader } from '../databaseApi';
import { assembleRuns, runRowsInOrder } from './runReads';
import { placeholders } from './sqlHelpers';

/** Which active runs carry one of the tag's values: the key and the values to look for. */
export interface TaggedRunsQuery {
  readonly key: string;
  readonly values: readonly string[];
}

/**
 * `FROM tags … CROSS JOIN runs`: the tag index (`tags_by_key_value`, migration 8) finds the runs,
 * and CROSS JOIN keeps SQLite from starting at the runs of the experiments instead (without
 * statistics it takes those for few), so a read costs the tagged runs, not the store's size.
 * Active runs of active experiments only.
 */
function taggedRunsFrom(query: TaggedRunsQuery, join: { sql: string; params: string[] } = { sql: '', params: [] }): { sql: string; params: string[] } {
  const values = [...new Set(query.values)];
  return {
    sql: `FROM tags AS k CROSS JOIN runs ON runs.run_id = k.run_id
      JOIN experiments AS e ON e.experiment_id = runs.experiment_id ${join.sql}
      WHERE k.key = ? AND k.value IN (${placeholders(values.length)})
        AND runs.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active'`,
    params: [...join.params, query.key, ...values],
  };
}

/** The tagged runs' ids and experiments, newest first (the order of MLflow's `start_time DESC`). */
export function taggedRunIds(db: Reader, query: TaggedRunsQuery): { runId: string; experimentId: string }[] {
  if (query.values.length === 0) return [];
  const { sql, params } = taggedRunsFrom(query);
  return db
    .values(`SELECT runs.run_id, runs.experiment_id, runs.start_time ${sql} ORDER BY runs.start_time DESC NULLS LAST, runs.run_id ASC`, params)
    .map(([runId, experimentId]) => ({ runId: String(runId), experimentId: String(experimentId) }));
}

/**
 * The tagged run of the experiment with the best latest value of the metric (lowest or highest;
 * the newest among equals), or undefined when none logged it as a number (NaN is no value).
 */
export function bestTaggedRunId(db: Reader, query: TaggedRunsQuery, experimentId: string, metricKey: string, lowerIsBetter: boolean): string | undefined {
  if (query.values.length === 0) return undefined;
  const metric = { sql: 'JOIN latest_metrics AS m ON m.run_id = runs.run_id AND m.key = ?', params: [metricKey] };
  const { sql, params } = taggedRunsFrom(query, metric);
  const order = lowerIsBetter ? 'ASC' : 'DESC';
  const [row] = db.values(
    `SELECT runs.run_id ${sql}
       AND runs.experiment_id = ? AND m.is_nan = 0 AND m.value IS NOT NULL
     ORDER BY m.value ${order}, runs.start_time DESC NULLS LAST, runs.run_id ASC
     LIMIT 1`,
    [...params, experimentId],
  );
  return row && String(row[0]);
}

/** Runs with their data, in the order of the ids given. */
export function runsByIds(db: Reader, runIds: readonly string[]): Run[] {
  return assembleRuns(db, runRowsInOrder(db, runIds));
}
