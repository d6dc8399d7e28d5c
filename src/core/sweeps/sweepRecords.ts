import type { LaunchStatus } from '../launches/launchEnding';
import { launchesSince, runsOfLaunch, type LaunchRow } from '../launches/launchRows';
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
  /** The process that runs its queue (migration 10); null before one claimed it. */
  holder_pid: number | null;
}

interface PointRow {
  point_index: number;
  point_json: string;
  status: string;
  run_id: string | null;
  attempts: number;
}

const statuses: readonly PointStatus[] = ['queued', 'running', 'finished', 'failed', 'stopped'];

/** Records a new sweep and its points, all at once; `holderPid` runs its queue. */
export function insertSweep(db: Database, record: SweepRecord, points: readonly PointState[], holderPid: number): void {
  db.write((tx) => {
    tx.run(
      `INSERT INTO sweeps (sweep_id, parent_run_id, script, spec_json, concurrency, state, created_time, holder_pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [record.sweepId, record.parentRunId, record.script, JSON.stringify(record.spec), record.concurrency, record.state, record.createdTime, holderPid],
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

/** Sweeps whose queue has not ended, oldest first. */
export function activeSweeps(db: Database): SweepRecord[] {
  return activeRows(db).map(recordOf);
}

/** What a window that comes back takes back: the sweeps it now runs, and how many others a live process still runs. */
export interface TakenBackSweeps {
  readonly taken: SweepRecord[];
  readonly heldElsewhere: number;
}

/**
 * For a window that came back (reloaded, or its extension host restarted): the sweeps whose queue
 * has not ended and whose holder is gone (or none ever claimed them) become `holderPid`'s to run,
 * read and claimed in one turn, with nothing awaited between, so that of two windows asking at
 * once each sweep goes to one. A sweep a live process holds stays with it, the asker's own too.
 */
export function takeBackSweeps(db: Database, holderPid: number, isAlive: (pid: number) => boolean): TakenBackSweeps {
  const active = activeRows(db);
  const orphans = active.filter((row) => row.holder_pid === null || (row.holder_pid !== holderPid && !isAlive(row.holder_pid)));
  if (orphans.length > 0) db.write((tx) => orphans.forEach((row) => tx.run(`UPDATE sweeps SET holder_pid = ? WHERE sweep_id = ?`, [holderPid, row.sweep_id])));
  return { taken: orphans.map(recordOf), heldElsewhere: active.filter((row) => row.holder_pid !== null && row.holder_pid !== holderPid && !orphans.includes(row)).length };
}

/** The process that runs the sweep's queue; undefined when none claimed it. */
export function sweepHolder(db: Database, sweepId: string): number | undefined {
  return db.get<{ holder_pid: number | null }>(`SELECT holder_pid FROM sweeps WHERE sweep_id = ?`, [sweepId])?.holder_pid ?? undefined;
}

/** `holderPid` runs the sweep's queue from now on. */
export function holdSweep(db: Database, sweepId: string, holderPid: number): void {
  db.write((tx) => tx.run(`UPDATE sweeps SET holder_pid = ? WHERE sweep_id = ?`, [holderPid, sweepId]));
}

function activeRows(db: Database): SweepRow[] {
  return db.all<SweepRow>(`SELECT * FROM sweeps WHERE state = 'active' ORDER BY created_time, sweep_id`);
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

/** The latest launch of a point the queue had running, as a window that takes the sweep back needs it. */
export interface PointLaunch {
  readonly index: number;
  readonly launchId: string;
  readonly status: LaunchStatus;
  /** The launch's first run, once it has one. */
  readonly runId?: string;
}

/** The launches of the sweep's running points: still running under their supervisor, ended while no window watched, or none (never launched). */
export function runningPointLaunches(db: Database, record: SweepRecord, points: readonly PointState[]): PointLaunch[] {
  const running = new Set(points.filter((point) => point.status === 'running').map((point) => point.index));
  if (running.size === 0) return [];
  return [...pointLaunches(db, record)]
    .filter(([index]) => running.has(index))
    .map(([index, row]) => {
      const runId = runsOfLaunch(db, row.launch_id)[0]?.run_id;
      return { index, launchId: row.launch_id, status: row.status, ...(runId ? { runId } : {}) };
    });
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
