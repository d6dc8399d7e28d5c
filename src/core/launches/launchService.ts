import path from 'node:path';
import type { Run } from '../entities';
import type { ArtifactStore } from '../store/artifactStore';
import type { Database } from '../store/database';
import { getRun, type CreateRunInput } from '../store/tracking/runs';
import { setTag } from '../store/tracking/runWrites';
import type { LaunchEnding, LaunchStatus } from './launchEnding';
import { LaunchFiles } from './launchFiles';
import { LaunchFileCopies } from './launchFileCopies';
import { writeLaunchEnd } from './launchEndWrites';
import { acceptedImprint, changedTags, createImprintedRun, emptyImprint, type LaunchImprint } from './launchImprint';
import {
  endedRemoteLaunches,
  findLaunch,
  findLaunchByToken,
  insertLaunch,
  launchIdOfRun,
  runningLaunches,
  runsOfLaunch,
  setLaunchCapture,
  setLaunchPid,
  setLaunchRemote,
  type LaunchRow,
} from './launchRows';
import { isUnsent, type RemoteLaunchRecord } from './remoteLaunchRecord';
import { newLaunchId, newLaunchToken } from './launchToken';
import { isProcessAlive } from './processAlive';
import { LaunchHolders } from './launchHolders';
import { SupervisorFiles, supervisedFolder } from './supervisorFiles';

/** What the tracking server asks of launches: whose token a request carries, and runs created under one. */
export interface LaunchGate {
  /** The launch whose token hashes to `tokenSha256`, while it is live or just ended; undefined otherwise. */
  launchIdForToken(tokenSha256: string): string | undefined;
  /** `runs/create` for a request that carried the launch's token. */
  createRun(launchId: string, input: CreateRunInput): Promise<Run>;
}

export interface LaunchServiceOptions {
  readonly db: Database;
  readonly artifacts: ArtifactStore;
  /** Where launches keep their files while they run: `.runlens/launches`. */
  readonly filesDir: string;
  /** Where launch supervisors keep their state and the ends they recorded: `.runlens/supervised` by default. */
  readonly supervisedDir?: string;
  /** The tags and dataset inputs a launch's runs carry, from the capture stored with it. */
  readonly imprintOf: (capture: unknown) => LaunchImprint;
  /** How long a launch's token still works after its process ended (its last requests may be in flight). */
  readonly tokenGraceMs?: number;
  readonly isProcessAlive?: (pid: number) => boolean;
  readonly now?: () => number;
  /** Where problems that must not fail a request are reported (a file that could not be copied). */
  readonly log?: (message: string) => void;
}

export interface OpenLaunchRequest {
  /** Made beforehand (newLaunchId) when the capture must name it; a new one otherwise. */
  readonly launchId?: string;
  /** Plain JSON data: what the launcher captured (a CaptureRecord), kept in `launches.capture_json`. */
  readonly capture: object;
  /** Artifacts every run of the launch gets, by artifact path (`runlens/diff.patch`, …). */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /**
   * Plain JSON data, for a launch that logs to a remote server instead of this store: where it
   * logs (kept in `launches.remote_json`). Such a launch never gets a run in this store.
   */
  readonly remote?: object;
  /** The process that runs the launch and writes its end (a guest window's extension host); this process when absent. */
  readonly holderPid?: number;
}

export interface OpenedLaunch {
  readonly launchId: string;
  /** For the process's MLFLOW_TRACKING_TOKEN; the store keeps only its hash. */
  readonly token: string;
}

export interface EndLaunchOptions {
  /** Experiment of the run made for a script that created none; Default when absent, missing or deleted. */
  readonly fallbackExperiment?: string;
}

export interface EndedLaunch {
  readonly launchId: string;
  readonly status: Exclude<LaunchStatus, 'RUNNING'>;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly createdTime: number;
  readonly endedTime: number;
  /** The launch's runs as they stand after the end, oldest first. */
  readonly runs: Run[];
  /** The script created no run, so RunLens made one. */
  readonly madeRun: boolean;
  /** For a launch that logged to a remote server: where, its runs there, and whether its end arrived. */
  readonly remote?: RemoteLaunchRecord;
}

const defaultTokenGraceMs = 30_000;

/** A launch a previous session left running, ended now: `recorded` when its supervisor recorded how it ended. */
export type RecoveredLaunch = EndedLaunch & { readonly recorded: boolean };

/** What a window that came back (reloaded, or its extension host restarted) takes back from the store's launches. */
export interface TakenBackLaunches {
  /** Still running under their supervisor: the asking process now runs them and writes their end. */
  readonly taken: LaunchRow[];
  /**
   * Their supervisor is gone (the script ended while no window watched): ended now, as it ended. A
   * remote one keeps its files: its end is the asker's to send to its server.
   */
  readonly ended: RecoveredLaunch[];
  /** Launches to a remote server whose window is gone, still running: left to end here once their process is gone, then sent. */
  readonly remoteRunning: number;
}

export const abandonedReason =
  'VS Code crashed or was closed while this run was running. RunLens found its process gone when the store next opened, and marked the run FAILED.';

/**
 * The launches of a store: the record of each (its capture, token hash, process id, outcome), and
 * what ties runs to it. A run created with a launch's token carries the launch's capture as tags
 * and dataset inputs, and its files as artifacts; when the process ends, its runs still RUNNING
 * end with the process's outcome, and a launch whose script created no run gets one.
 *
 * File copies run one at a time per launch, so a later copy of a file (the output log, growing)
 * never lands before an earlier one.
 */
export class LaunchService implements LaunchGate {
  private readonly db: Database;
  private readonly artifacts: ArtifactStore;
  private readonly files: LaunchFiles;
  private readonly supervised: SupervisorFiles;
  private readonly imprintOf: (capture: unknown) => LaunchImprint;
  private readonly tokenGraceMs: number;
  private readonly processAlive: (pid: number) => boolean;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private readonly copies: LaunchFileCopies;
  private readonly runListeners = new Set<(launchId: string, run: Run) => void>();
  private readonly holders: LaunchHolders;

  constructor(options: LaunchServiceOptions) {
    this.db = options.db;
    this.artifacts = options.artifacts;
    this.files = new LaunchFiles(options.filesDir);
    this.supervised = new SupervisorFiles(options.supervisedDir ?? path.join(path.dirname(options.filesDir), supervisedFolder));
    this.imprintOf = options.imprintOf;
    this.tokenGraceMs = options.tokenGraceMs ?? defaultTokenGraceMs;
    this.processAlive = options.isProcessAlive ?? isProcessAlive;
    this.holders = new LaunchHolders(this.processAlive);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((message) => console.error(message));
    this.copies = new LaunchFileCopies(this.db, this.artifacts, this.files, this.log);
  }

  /** Records a new launch with its capture and files, before its process starts; returns its token. */
  open(request: OpenLaunchRequest): OpenedLaunch {
    const launchId = request.launchId ?? newLaunchId();
    const { token, sha256 } = newLaunchToken();
    for (const [artifactPath, content] of Object.entries(request.files ?? {})) this.files.write(launchId, artifactPath, content);
    try {
      const captureJson = JSON.stringify(request.capture);
      const remoteJson = request.remote && JSON.stringify(request.remote);
      this.db.write((tx) => insertLaunch(tx, { launchId, tokenSha256: sha256, createdTime: this.now(), captureJson, remoteJson }));
    } catch (error) {
      this.files.remove(launchId);
      throw error;
    }
    this.holders.hold(launchId, request.holderPid ?? process.pid);
    return { launchId, token };
  }

  setPid(launchId: string, pid: number): void {
    this.db.write((tx) => setLaunchPid(tx, launchId, pid));
  }

  get(launchId: string): LaunchRow | undefined {
    return findLaunch(this.db, launchId);
  }

  /** Replaces what a remote launch records about its server and runs (the run made there, whether its end arrived). */
  setRemote(launchId: string, remote: object): void {
    this.db.write((tx) => setLaunchRemote(tx, launchId, JSON.stringify(remote)));
  }

  /** The folder of the launch's files, laid out as the artifacts its runs get. */
  filesFolder(launchId: string): string {
    return this.files.folder(launchId);
  }

  /** Where the launch keeps the file for `artifactPath` (the launcher appends the output log there). */
  filePath(launchId: string, artifactPath: string): string {
    return this.files.path(launchId, artifactPath);
  }

  launchIdForToken(tokenSha256: string): string | undefined {
    const row = findLaunchByToken(this.db, tokenSha256);
    if (row === undefined) return undefined;
    if (row.status === 'RUNNING') return row.launch_id;
    return row.ended_time !== null && this.now() - row.ended_time <= this.tokenGraceMs ? row.launch_id : undefined;
  }

  async createRun(launchId: string, input: CreateRunInput): Promise<Run> {
    const row = findLaunch(this.db, launchId);
    const imprint = row ? this.imprintOfLaunch(row) : emptyImprint;
    const run = this.db.write((tx) => createImprintedRun(tx, { ...input, launchId }, imprint, this.now()));
    this.announce(launchId, run);
    // The reply waits for the files, so a client that lists the new run's artifacts finds them.
    await this.copies.copyToRuns(launchId, [run.info.run_id]);
    return run;
  }

  /** Calls `listener` for every run created under a launch (by its script, or by RunLens at its end). */
  onRunCreated(listener: (launchId: string, run: Run) => void): { dispose(): void } {
    this.runListeners.add(listener);
    return { dispose: () => this.runListeners.delete(listener) };
  }

  /**
   * Replaces the stored capture (the package listing ended, say) and gives the runs created so far
   * the tags that changed; new runs get the new imprint whole.
   */
  updateCapture(launchId: string, capture: object): void {
    const row = findLaunch(this.db, launchId);
    if (row === undefined) return;
    const before = this.imprintOfLaunch(row);
    const captureJson = JSON.stringify(capture);
    const after = this.imprintOfJson(captureJson, launchId);
    const changed = changedTags(before, after);
    this.db.write((tx) => {
      setLaunchCapture(tx, launchId, captureJson);
      for (const run of runsOfLaunch(tx, launchId)) for (const tag of changed) setTag(tx, run.run_id, tag.key, tag.value);
    });
  }

  /** Adds a file to the launch and gives it to every run it has (even after its end). */
  async addFile(launchId: string, artifactPath: string, content: string | Buffer): Promise<void> {
    this.files.write(launchId, artifactPath, content);
    await this.copies.copyToRuns(launchId, this.runIds(launchId), [artifactPath]);
  }

  /** Copies the launch's current `artifactPath` file (the growing output log) to every run it has. */
  async publishFile(launchId: string, artifactPath: string): Promise<void> {
    await this.copies.copyToRuns(launchId, this.runIds(launchId), [artifactPath]);
  }

  /**
   * Ends the launch with its process's outcome: its runs still RUNNING take the outcome's status
   * (runs the script ended keep theirs), every run records the exit code, a launch without runs gets
   * one, and every run receives the launch's files as they are now.
   */
  async end(launchId: string, ending: LaunchEnding, options: EndLaunchOptions = {}): Promise<EndedLaunch> {
    const row = findLaunch(this.db, launchId);
    if (row === undefined) throw new Error(`RunLens has no launch ${launchId}`);
    if (row.status !== 'RUNNING') return this.endedAlready(row);
    const endedTime = this.now();
    const written = this.db.write((tx) => writeLaunchEnd(tx, row, ending, this.imprintOfLaunch(row), options.fallbackExperiment, endedTime));
    if (written.madeRun) this.announce(launchId, written.madeRun);
    await this.copies.copyToRuns(launchId, written.runIds);
    return {
      launchId,
      status: written.status,
      ...(written.exitCode !== undefined ? { exitCode: written.exitCode } : {}),
      ...(written.signal !== undefined ? { signal: written.signal } : {}),
      createdTime: row.created_time,
      endedTime,
      runs: written.runIds.map((id) => getRun(this.db, id)),
      madeRun: written.madeRun !== undefined,
    };
  }

  /** Forgets the launch's files once nothing more will be added (its end and its package listing are done). */
  async release(launchId: string): Promise<void> {
    this.holders.forget(launchId);
    await this.copies.settle(launchId);
    this.files.remove(launchId);
  }

  /**
   * For a window that came back after a reload or an extension host crash: the launches of this
   * store still RUNNING whose holder is gone (or unknown: the store was opened again since) become
   * `holderPid`'s to run and end, claimed before anything is awaited so that two windows asking at
   * once never both get one; those whose supervisor is gone are ended here, as the store's crash
   * recovery ends them, so their end too is written once. A launch to a remote server is not
   * followed by a window that came back: while its script runs it is left for the next ask, and
   * once ended here its end is the asker's to send.
   */
  async takeBack(holderPid: number): Promise<TakenBackLaunches> {
    const orphans = runningLaunches(this.db).filter((row) => !this.holders.isHeld(row.launch_id));
    const running = orphans.filter((row) => row.pid !== null && this.processAlive(row.pid));
    const taken = running.filter((row) => row.remote_json === null);
    for (const row of taken) this.holders.hold(row.launch_id, holderPid);
    const gone = orphans.filter((row) => !running.includes(row));
    // Ended by this process: a second window asking meanwhile finds them held.
    for (const row of gone) this.holders.hold(row.launch_id, process.pid);
    const ended = gone.length === 0 ? [] : await this.recoverAbandoned(new Set(gone.map((row) => row.launch_id)));
    return { taken, ended, remoteRunning: running.length - taken.length };
  }

  /**
   * Ends the launches a previous session left RUNNING whose process is gone (its supervisor, or for
   * an older launch the script itself). A script whose supervisor recorded its end (it ended while
   * no window was there) ends as it ended, `recorded`; otherwise (VS Code crashed or was closed
   * before supervisors existed, or the supervisor was killed) its runs become FAILED with a note.
   * Either way they keep the output log the launch had written. A remote launch keeps its files:
   * its end has still to reach its server (settleRemoteLaunch). With `only`, just those launches
   * (the ones a previous session left running, watched until their process is gone), never one
   * this session is starting.
   */
  async recoverAbandoned(only?: ReadonlySet<string>): Promise<RecoveredLaunch[]> {
    const ended: RecoveredLaunch[] = [];
    for (const row of runningLaunches(this.db)) {
      if (only !== undefined && !only.has(row.launch_id)) continue;
      if (row.pid !== null && this.processAlive(row.pid)) continue;
      const recorded = this.supervised.ending(row.launch_id);
      // The end still to send to a remote server is the one its supervisor recorded, not a window's that went away.
      if (recorded && row.remote_json !== null) this.recordRemoteEnding(row, recorded);
      ended.push({ ...(await this.end(row.launch_id, recorded ?? { kind: 'abandoned', reason: abandonedReason })), recorded: recorded !== undefined });
      this.supervised.remove(row.launch_id);
      if (row.remote_json === null) await this.release(row.launch_id);
    }
    return ended;
  }

  private recordRemoteEnding(row: LaunchRow, ending: LaunchEnding): void {
    try {
      this.setRemote(row.launch_id, { ...(JSON.parse(row.remote_json!) as RemoteLaunchRecord), ending });
    } catch (error) {
      this.log(`RunLens: the remote record of launch ${row.launch_id} could not be read: ${(error as Error).message}`);
    }
  }

  /** Launches RUNNING in the store whose process is alive: at startup, those a previous session left running. */
  liveLaunchIds(): string[] {
    return runningLaunches(this.db)
      .filter((row) => row.pid !== null && this.processAlive(row.pid))
      .map((row) => row.launch_id);
  }

  /**
   * Ended remote launches whose end has not reached their server (the window ended while the
   * script ran, or the server was down at the end), oldest first, with their records.
   */
  unsentRemoteLaunches(): { readonly row: LaunchRow; readonly record: RemoteLaunchRecord }[] {
    const unsent: { row: LaunchRow; record: RemoteLaunchRecord }[] = [];
    for (const row of endedRemoteLaunches(this.db)) {
      try {
        const record = JSON.parse(row.remote_json!) as RemoteLaunchRecord;
        if (isUnsent(record)) unsent.push({ row, record });
      } catch (error) {
        this.log(`RunLens: the remote record of launch ${row.launch_id} could not be read: ${(error as Error).message}`);
      }
    }
    return unsent;
  }

  /** The launch that created the run, if a launch did. */
  launchOfRun(runId: string): string | undefined {
    return launchIdOfRun(this.db, runId);
  }

  runsOf(launchId: string): Run[] {
    return this.runIds(launchId).map((id) => getRun(this.db, id));
  }

  /** The tags and dataset inputs the launch's runs carry, from its stored capture. */
  imprintOfLaunch(row: LaunchRow): LaunchImprint {
    return this.imprintOfJson(row.capture_json, row.launch_id);
  }

  /** An end reported twice (the process exited while it was being stopped) changes nothing the second time. */
  private endedAlready(row: LaunchRow): EndedLaunch {
    const runs = this.runsOf(row.launch_id);
    return {
      launchId: row.launch_id,
      status: row.status === 'RUNNING' ? 'FAILED' : row.status,
      ...(row.exit_code !== null ? { exitCode: row.exit_code } : {}),
      createdTime: row.created_time,
      endedTime: row.ended_time ?? this.now(),
      runs,
      madeRun: false,
    };
  }

  private runIds(launchId: string): string[] {
    return runsOfLaunch(this.db, launchId).map((run) => run.run_id);
  }

  private announce(launchId: string, run: Run): void {
    for (const listener of this.runListeners) {
      try {
        listener(launchId, run);
      } catch (error) {
        this.log(`RunLens: a listener for launch ${launchId} failed: ${(error as Error).message}`);
      }
    }
  }

  private imprintOfJson(captureJson: string, launchId: string): LaunchImprint {
    try {
      const { imprint, dropped } = acceptedImprint(this.imprintOf(JSON.parse(captureJson)));
      for (const problem of dropped) this.log(`RunLens: launch ${launchId} leaves out ${problem}`);
      return imprint;
    } catch (error) {
      this.log(`RunLens: the capture of launch ${launchId} could not be read: ${(error as Error).message}`);
      return emptyImprint;
    }
  }
}
