import path from 'node:path';
import type { Run } from '../../core/entities';
import type { LaunchEnding } from '../../core/launches/launchEnding';
import { LaunchFiles, launchesFolder } from '../../core/launches/launchFiles';
import { fileContentJson, type LaunchOperations } from '../../core/launches/launchOperations';
import type { OperationCall } from '../../core/operations/jsonOperations';
import type { LaunchRecorder } from '../../core/launches/launchRecorder';
import type { EndedLaunch, EndLaunchOptions, OpenedLaunch } from '../../core/launches/launchService';
import type { LaunchImprint } from '../../core/launches/launchImprint';
import type { LaunchRow } from '../../core/launches/launchRows';
import type { RemoteLaunchRecord } from '../../core/launches/remoteLaunchRecord';
import type { RemoteLaunchRecords } from '../../remote/launches/remoteLaunch';
import type { RemoteSettlementRecords } from '../../remote/launches/remoteLaunchSettlement';
import { launchOperationPrefix } from '../../server/routes/guest/guestLaunchRoutes';
import type { OwnerEndpoint } from '../ownerClient';
import { ownerCall } from '../ownerOperations';
import { logError } from '../runLensLog';

/** A launch taken back from the owner: its recorder, and its capture (which names the script). */
export interface TakenBack {
  readonly recorder: OwnerLaunch;
  readonly capture: unknown;
}

/** How often the owner is asked for the launch's runs while it runs (a loopback request). */
const runPollMs = 1000;

/**
 * A launch a guest window started, recorded through the process that owns the store: the owner
 * keeps the launch's record, hands out its token and gives its runs their capture and files; this
 * window runs the process under its supervisor, which appends the output log in `.runlens/launches/`
 * on this machine, where the owner copies it from. Requests go one at a time, in order, so that
 * the end never overtakes a copy of the output log. For a launch that logs to a remote server the
 * owner keeps only the record (RemoteLaunch talks to the server, and records through this).
 */
export class OwnerLaunch implements LaunchRecorder, RemoteLaunchRecords, RemoteSettlementRecords {
  private readonly call: OperationCall<LaunchOperations>;
  private readonly files: LaunchFiles;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(launchId: string, run: Run) => void>();
  private readonly seen = new Set<string>();
  private poll: NodeJS.Timeout | undefined;
  private ended = false;
  /** For the script's MLFLOW_TRACKING_TOKEN: the owner ties its requests to the launch. */
  token = '';

  /** A launch the owner has still to record (`open`); a remote launch records it once its server made its run. */
  constructor(
    endpoint: OwnerEndpoint,
    storeDir: string,
    readonly launchId: string,
  ) {
    this.call = ownerCall<LaunchOperations>(endpoint, launchOperationPrefix);
    this.files = new LaunchFiles(path.join(storeDir, launchesFolder));
  }

  /** Records a launch with the owner, before its process starts; this extension host runs it and writes its end. */
  static async open(
    endpoint: OwnerEndpoint,
    storeDir: string,
    launch: { readonly launchId: string; readonly capture: object; readonly files: Readonly<Record<string, string | Buffer>> },
  ): Promise<OwnerLaunch> {
    const opened = new OwnerLaunch(endpoint, storeDir, launch.launchId);
    await opened.open(launch);
    return opened;
  }

  /**
   * After a reload or an extension host crash: the launches a previous extension host of a guest
   * window started that still run, now this one's to run and end (the owner hands each to one
   * window only). Launches that ended meanwhile the owner ends itself: `ended` counts them.
   */
  static async takeBack(
    endpoint: OwnerEndpoint,
    storeDir: string,
  ): Promise<{ readonly taken: readonly TakenBack[]; readonly ended: number; readonly remoteEnded: readonly string[]; readonly remoteRunning: number }> {
    const { taken, ...rest } = await ownerCall<LaunchOperations>(endpoint, launchOperationPrefix)('takeBack', { holderPid: process.pid });
    return { taken: taken.map(({ launchId, capture }) => ({ recorder: new OwnerLaunch(endpoint, storeDir, launchId), capture })), ...rest };
  }

  /** The ended launches to a remote server whose end has still to reach it, as the owner keeps them. */
  static unsentRemote(endpoint: OwnerEndpoint): Promise<{ readonly row: LaunchRow; readonly record: RemoteLaunchRecord }[]> {
    return ownerCall<LaunchOperations>(endpoint, launchOperationPrefix)('unsentRemote', {});
  }

  /** The launch's record at the owner (for sending a remote launch's end). */
  async get(launchId: string): Promise<LaunchRow | undefined> {
    return (await this.call('get', { launchId })).row;
  }

  /** The tags and dataset inputs the owner gives the launch's runs. */
  imprintOfLaunch(row: LaunchRow): Promise<LaunchImprint> {
    return this.call('imprint', { launchId: row.launch_id });
  }

  /**
   * Records the launch with the owner (its capture, its files, and for a remote launch where it
   * logs); answers its token. This extension host (`holderPid`) holds it until it is gone.
   */
  async open(launch: {
    readonly launchId?: string;
    readonly capture: object;
    readonly files?: Readonly<Record<string, string | Buffer>>;
    readonly remote?: RemoteLaunchRecord;
  }): Promise<OpenedLaunch> {
    const files = Object.fromEntries(Object.entries(launch.files ?? {}).map(([artifactPath, content]) => [artifactPath, fileContentJson(content)]));
    const opened = await this.inOrder(() => this.call('open', { launchId: this.launchId, capture: launch.capture, files, holderPid: process.pid, remote: launch.remote }));
    this.token = opened.token;
    return opened;
  }

  setRemote(launchId: string, remote: RemoteLaunchRecord): void {
    void this.send(`record where launch ${launchId} logs`, () => this.call('setRemote', { launchId, remote }));
  }

  filesFolder(launchId: string): string {
    return this.files.folder(launchId);
  }

  filePath(launchId: string, artifactPath: string): string {
    return this.files.path(launchId, artifactPath);
  }

  setPid(launchId: string, pid: number): void {
    void this.send(`record the process of launch ${launchId}`, () => this.call('setPid', { launchId, pid }));
  }

  /** The owner's runs of the launch, asked for now and then while it runs: the first names its terminal. */
  onRunCreated(listener: (launchId: string, run: Run) => void): { dispose(): void } {
    this.listeners.add(listener);
    if (!this.poll && !this.ended) {
      this.poll = setInterval(() => void this.lookForRuns(), runPollMs);
      this.poll.unref();
    }
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** A copy that fails is logged: the end copies every file again. */
  async publishFile(launchId: string, artifactPath: string): Promise<void> {
    await this.send(`copy ${artifactPath} of launch ${launchId}`, () => this.call('publishFile', { launchId, artifactPath }));
  }

  updateCapture(launchId: string, capture: object): void {
    void this.send(`update the capture of launch ${launchId}`, () => this.call('updateCapture', { launchId, capture }));
  }

  async addFile(launchId: string, artifactPath: string, content: string | Buffer): Promise<void> {
    await this.inOrder(() => this.call('addFile', { launchId, artifactPath, content: fileContentJson(content) }));
  }

  /** The owner ends the launch: an end it recorded already (another process took the launch over) is answered as it stands. */
  async end(launchId: string, ending: LaunchEnding, options: EndLaunchOptions = {}): Promise<EndedLaunch> {
    this.stopPolling();
    return this.inOrder(() => this.call('end', { launchId, ending, fallbackExperiment: options.fallbackExperiment }));
  }

  async release(launchId: string): Promise<void> {
    this.stopPolling();
    await this.inOrder(() => this.call('release', { launchId }));
  }

  private async lookForRuns(): Promise<void> {
    if (this.ended) return;
    try {
      for (const run of await this.call('runs', { launchId: this.launchId })) {
        if (this.seen.has(run.info.run_id)) continue;
        this.seen.add(run.info.run_id);
        for (const listener of this.listeners) listener(this.launchId, run);
      }
    } catch {
      // The owner is busy or restarting: the next look, or the end, tells.
    }
  }

  private stopPolling(): void {
    this.ended = true;
    clearInterval(this.poll);
  }

  /** After what is queued; rejects with this request's failure, while the queue goes on. */
  private inOrder<T>(request: () => Promise<T>): Promise<T> {
    const next = this.queue.then(request);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** `inOrder` for what nobody waits on: a failure is logged. */
  private send(what: string, request: () => Promise<unknown>): Promise<void> {
    return this.inOrder(request).then(
      () => undefined,
      (error: unknown) => logError(`Could not ${what} with the RunLens process that keeps this workspace's runs`, error),
    );
  }
}

/** The launch that created the run, as the owner knows it; undefined when none did or the owner cannot say. */
export async function launchOfRunAtOwner(endpoint: OwnerEndpoint, runId: string): Promise<string | undefined> {
  try {
    return (await ownerCall<LaunchOperations>(endpoint, launchOperationPrefix)('launchOfRun', { runId })).launchId;
  } catch {
    return undefined;
  }
}
