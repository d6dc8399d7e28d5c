import { launchesSince, type LaunchRow } from '../launches/launchRows';
import type { Database } from '../store/database';
import type { PointState, PointStatus } from './sweepQueue';
import type { SweepPoint, SweepSpec } from './sweepSpec';

/** A sweep as the store keeps it (migration 7): enough to show its progress and resume its queue. */
export interface SweepRecord {
  readonly sweepId: string;
  /** The run that groups the sweep's runs (their `mlflow.parentRunId`). */
  readonly parentRunId: string;
  /** The script, absolute. */
  readonly script: string;
  readonly spec: SweepSpec;
  readonly concurrency: number;
  readonly state: 'active' | 'ended';
  readonly createdTime: number;
}

interface SweepRow {
  sweep_id: string;
  parent_run_id: string;
  script: string;
  spec_json: string;
  concurrency: number;
  state: string;
  created_time: number;
}

interface PointRow {
  point_index: number;
  point_json: string;
  status: string;
  run_id: string | null;
  attempts: number;
}

const statuses: readonly PointStatus[] = ['queued', 'running', 'finished', 'failed', 'stopped'];

/** Records a new sweep and its points, all at once. */
export function insertSweep(db: Database, record: SweepRecord, points: readonly PointState[]): void {
  db.write((tx) => {
    tx.run(
      `INSERT INTO sweeps (sweep_id, parent_run_id, script, spec_json, concurrency, state, created_time) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [record.sweepId, record.parentRunId, record.script, JSON.stringify(record.spec), record.concurrency, record.state, record.createdTime],
    );
    for (const point of points) {
      tx.run(`INSERT INTO sweep_points (sweep_id, point_index, point_json, status, run_id, attempts) VALUES (?, ?, ?, ?, ?, ?)`, [
        record.sweepId,
        point.index,
        JSON.stringify(point.point),
        point.status,
        point.runId ?? null,
        point.attempts,
      ]);
    }
  });
}

/** Where a point of the queue is: what `savePoint` keeps of it (its place and arguments never change). */
export type PointProgress = Pick<PointState, 'index' | 'status' | 'runId' | 'attempts'>;

export function savePoint(db: Database, sweepId: string, point: PointProgress): void {
  db.write((tx) =>
    tx.run(`UPDATE sweep_points SET status = ?, run_id = ?, attempts = ? WHERE sweep_id = ? AND point_index = ?`, [
      point.status,
      point.runId ?? null,
      point.attempts,
      sweepId,
      point.index,
    ]),
  );
}

export function setSweepState(db: Database, sweepId: string, state: SweepRecord['state']): void {
  db.write((tx) => tx.run(`UPDATE sweeps SET state = ? WHERE sweep_id = ?`, [state, sweepId]));
}

/** Sweeps whose queue has not ended, oldest first: what a window resumes. */
export function activeSweeps(db: Database): SweepRecord[] {
  return db.all<SweepRow>(`SELECT * FROM sweeps WHERE state = 'active' ORDER BY created_time, sweep_id`).map(recordOf);
}

/** The sweep a parent run groups; undefined for any other run. */
export function sweepOfParentRun(db: Database, parentRunId: string): SweepRecord | undefined {
  const row = db.get<SweepRow>(`SELECT * FROM sweeps WHERE parent_run_id = ? ORDER BY created_time DESC LIMIT 1`, [parentRunId]);
  return row && recordOf(row);
}

export function sweepById(db: Database, sweepId: string): SweepRecord | undefined {
  const row = db.get<SweepRow>(`SELECT * FROM sweeps WHERE sweep_id = ?`, [sweepId]);
  return row && recordOf(row);
}

export function sweepPoints(db: Database, sweepId: string): PointState[] {
  return db
    .all<PointRow>(`SELECT point_index, point_json, status, run_id, attempts FROM sweep_points WHERE sweep_id = ? ORDER BY point_index`, [sweepId])
    .map((row) => ({
      index: row.point_index,
      point: JSON.parse(row.point_json) as SweepPoint,
      status: statuses.includes(row.status as PointStatus) ? (row.status as PointStatus) : 'failed',
      ...(row.run_id ? { runId: row.run_id } : {}),
      attempts: row.attempts,
    }));
}

/**
 * The latest launch of each point of the sweep, by point index: how a window that reloaded learns
 * what became of the points that were running (still running under their supervisor, ended while
 * no window watched, or never launched at all).
 */
export function pointLaunches(db: Database, record: SweepRecord): Map<number, LaunchRow> {
  const latest = new Map<number, LaunchRow>();
  for (const row of launchesSince(db, record.createdTime)) {
    const sweep = sweepOfCapture(row.capture_json);
    if (sweep?.sweepId === record.sweepId && typeof sweep.pointIndex === 'number') latest.set(sweep.pointIndex, row);
  }
  return latest;
}

function sweepOfCapture(captureJson: string): { sweepId?: unknown; pointIndex?: unknown } | undefined {
  try {
    return (JSON.parse(captureJson) as { sweep?: { sweepId?: unknown; pointIndex?: unknown } }).sweep;
  } catch {
    return undefined;
  }
}

function recordOf(row: SweepRow): SweepRecord {
  return {
    sweepId: row.sweep_id,
    parentRunId: row.parent_run_id,
    script: row.script,
    spec: JSON.parse(row.spec_json) as SweepSpec,
    concurrency: row.concurrency,
    state: row.state === 'active' ? 'active' : 'ended',
    createdTime: row.created_time,
  };
}
