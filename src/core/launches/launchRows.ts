import type { Reader, WriteTransaction } from '../store/databaseApi';
import type { LaunchStatus } from './launchEnding';

/** A row of the `launches` table (schema.ts). */
export interface LaunchRow {
  readonly launch_id: string;
  readonly token_sha256: string;
  readonly created_time: number;
  readonly ended_time: number | null;
  readonly status: LaunchStatus;
  readonly exit_code: number | null;
  readonly pid: number | null;
  readonly capture_json: string;
  /** Set for a launch that logs to a remote server: where, and the run made there (a RemoteLaunchRecord). */
  readonly remote_json: string | null;
}

const columns = 'launch_id, token_sha256, created_time, ended_time, status, exit_code, pid, capture_json, remote_json';

export function insertLaunch(
  tx: WriteTransaction,
  row: {
    readonly launchId: string;
    readonly tokenSha256: string;
    readonly createdTime: number;
    readonly captureJson: string;
    readonly remoteJson?: string;
  },
): void {
  tx.run(`INSERT INTO launches (launch_id, token_sha256, created_time, status, capture_json, remote_json) VALUES (?, ?, ?, 'RUNNING', ?, ?)`, [
    row.launchId,
    row.tokenSha256,
    row.createdTime,
    row.captureJson,
    row.remoteJson ?? null,
  ]);
}

export function findLaunch(db: Reader, launchId: string): LaunchRow | undefined {
  return db.get<LaunchRow>(`SELECT ${columns} FROM launches WHERE launch_id = ?`, [launchId]);
}

export function findLaunchByToken(db: Reader, tokenSha256: string): LaunchRow | undefined {
  return db.get<LaunchRow>(`SELECT ${columns} FROM launches WHERE token_sha256 = ?`, [tokenSha256]);
}

export function runningLaunches(db: Reader): LaunchRow[] {
  return db.all<LaunchRow>(`SELECT ${columns} FROM launches WHERE status = 'RUNNING' ORDER BY created_time`);
}

/** Launches created at or after `createdTime`, oldest first. */
export function launchesSince(db: Reader, createdTime: number): LaunchRow[] {
  return db.all<LaunchRow>(`SELECT ${columns} FROM launches WHERE created_time >= ? ORDER BY created_time`, [createdTime]);
}

/** Launches that logged to a remote server and have ended, oldest first: those whose end may still be unsent. */
export function endedRemoteLaunches(db: Reader): LaunchRow[] {
  return db.all<LaunchRow>(`SELECT ${columns} FROM launches WHERE remote_json IS NOT NULL AND status != 'RUNNING' ORDER BY created_time`);
}

export function setLaunchPid(tx: WriteTransaction, launchId: string, pid: number): void {
  tx.run('UPDATE launches SET pid = ? WHERE launch_id = ?', [pid, launchId]);
}

export function setLaunchCapture(tx: WriteTransaction, launchId: string, captureJson: string): void {
  tx.run('UPDATE launches SET capture_json = ? WHERE launch_id = ?', [captureJson, launchId]);
}

export function setLaunchRemote(tx: WriteTransaction, launchId: string, remoteJson: string): void {
  tx.run('UPDATE launches SET remote_json = ? WHERE launch_id = ?', [remoteJson, launchId]);
}

export function endLaunchRow(
  tx: WriteTransaction,
  launchId: string,
  ended: { readonly status: LaunchStatus; readonly exitCode: number | undefined; readonly endedTime: number },
): void {
  tx.run('UPDATE launches SET status = ?, exit_code = ?, ended_time = ? WHERE launch_id = ?', [
    ended.status,
    ended.exitCode ?? null,
    ended.endedTime,
    launchId,
  ]);
}

export interface LaunchRunRow {
  readonly run_id: string;
  readonly status: string;
  readonly start_time: number;
}

/** The launch's runs that are not deleted, oldest first (in creation order when they started together). */
export function runsOfLaunch(db: Reader, launchId: string): LaunchRunRow[] {
  return db.all<LaunchRunRow>(
    "SELECT run_id, status, start_time FROM runs WHERE launch_id = ? AND lifecycle_stage = 'active' ORDER BY start_time, rowid",
    [launchId],
  );
}

export function launchIdOfRun(db: Reader, runId: string): string | undefined {
  return db.get<{ launch_id: string | null }>('SELECT launch_id FROM runs WHERE run_id = ?', [runId])?.launch_id ?? undefined;
}
