import assert from 'node:assert/strict';
import { Database } from '../../../src/core/store/database';
import type { Row } from '../../../src/core/store/databaseApi';
import type { Page, SearchQuery } from '../../../src/core/search/paging';

/** A run as the search tests need it; everything but the id has a default. */
export interface RunSeed {
  readonly runId: string;
  readonly experimentId?: number;
  readonly name?: string;
  readonly userId?: string;
  readonly status?: string;
  readonly startTime?: number;
  readonly endTime?: number | null;
  readonly lifecycleStage?: string;
  readonly artifactUri?: string;
  readonly params?: Readonly<Record<string, string>>;
  /** Latest values; NaN and ±Infinity are stored as the store keeps them. */
  readonly metrics?: Readonly<Record<string, number>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A fresh in-memory database with the tracking schema. */
export function openDatabase(): Promise<Database> {
  return Database.open();
}

export function insertRuns(db: Database, runs: readonly RunSeed[]): void {
  db.write((tx) => {
    tx.runMany(
      `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      runs.map((run, index) => [
        run.runId,
        run.experimentId ?? 1,
        run.name ?? '',
        run.userId ?? 'alice',
        run.status ?? 'FINISHED',
        run.startTime ?? 1_700_000_000_000 + index,
        run.endTime === undefined ? null : run.endTime,
        run.lifecycleStage ?? 'active',
        run.artifactUri ?? `mlflow-artifacts:/1/${run.runId}/artifacts`,
      ]),
    );
    tx.runMany(
      'INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)',
      runs.flatMap((run) => Object.entries(run.params ?? {}).map(([key, value]) => [run.runId, key, value])),
    );
    tx.runMany(
      'INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)',
      runs.flatMap((run) => Object.entries(run.tags ?? {}).map(([key, value]) => [run.runId, key, value])),
    );
    tx.runMany(
      `INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step, min_value, max_value, point_count)
       VALUES (?, ?, ?, ?, 0, 0, ?, ?, 1)`,
      runs.flatMap((run) =>
        Object.entries(run.metrics ?? {}).map(([key, value]) => {
          const stored = Number.isNaN(value) ? null : value;
          return [run.runId, key, stored, Number.isNaN(value) ? 1 : 0, stored, stored];
        }),
      ),
    );
  });
}

/** Runs a compiled search and returns its page of rows. */
export function execute(db: Database, query: SearchQuery): Page<Row> {
  return query.page(db.all(query.sql, query.params));
}

/** The values of one column of a page, in order. */
export function column(page: Page<Row>, name: string): unknown[] {
  return page.items.map((row) => row[name]);
}

export function countRows(db: Database, table: string): number {
  return Number(db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)?.n);
}

/** The error `fn` throws; fails the test when it throws nothing. */
export function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail('expected an error');
}
