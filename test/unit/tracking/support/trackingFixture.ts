import assert from 'node:assert/strict';
import { MlflowError, type ErrorCode } from '../../../../src/core/errors';
import { Database } from '../../../../src/core/store/database';
import { TrackingStore } from '../../../../src/core/store/trackingStore';

/** A TrackingStore over a fresh in-memory database (real sql.js). */
export async function openTrackingStore(): Promise<TrackingStore> {
  return new TrackingStore(await Database.open());
}

/** Runs `fn`, expecting an MlflowError with `code` (and a message matching `message`); returns it. */
export function expectMlflowError(fn: () => unknown, code: ErrorCode, message?: RegExp): MlflowError {
  try {
    fn();
  } catch (error) {
    assert.ok(MlflowError.is(error), `expected an MlflowError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}, but nothing was thrown`);
}

/** Counts rows of a table, to check that a refused write left nothing behind. */
/** Metric points a run's histories hold (they live in the history files, counted in `latest_metrics`). */
export function pointCount(store: TrackingStore, runId: string): number {
  return store.db.get<{ n: number | null }>('SELECT SUM(point_count) AS n FROM latest_metrics WHERE run_id = ?', [runId])?.n ?? 0;
}

export function countRows(store: TrackingStore, table: string, where = '1', params: (string | number)[] = []): number {
  return store.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params)?.n ?? -1;
}
