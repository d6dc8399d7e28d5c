import type { Run } from '../../core/entities';
import { createOnce } from '../client/createOnce';
import { MlflowRestClient, type RestClientOptions } from '../client/mlflowRestClient';
import { RemoteExperiments } from '../client/remoteExperiments';
import type { RemoteServer } from '../client/remoteServer';
import type { LaunchEnding } from '../../core/launches/launchEnding';
import { acceptedImprint, changedTags, type LaunchImprint } from '../../core/launches/launchImprint';
import type { LaunchRecorder } from '../../core/launches/launchRecorder';
import type { EndedLaunch, EndLaunchOptions, OpenedLaunch, OpenLaunchRequest } from '../../core/launches/launchService';
import { LaunchTag } from '../../core/launches/launchTags';
import { launchRunMatch, logTags, sendRemoteLaunchEnd, uploadLaunchFiles } from './remoteLaunchEnd';
import type { RemoteLaunchRecord } from '../../core/launches/remoteLaunchRecord';
import { runOfWire, type LaunchRunMatch, type WireRun } from './remoteLaunchRuns';

/**
 * Where a remote launch keeps its local record and files: the store's LaunchService in the window
 * that owns the store, or in a guest window the owner's, through its private launch routes
 * (OwnerLaunch). The files are in the store's folder on this machine either way.
 */
export interface RemoteLaunchRecords {
  open(request: OpenLaunchRequest & { readonly remote: RemoteLaunchRecord }): OpenedLaunch | Promise<OpenedLaunch>;
  /** Kept in order with the calls before and after it; nothing waits on it. */
  setRemote(launchId: string, remote: RemoteLaunchRecord): void;
  filesFolder(launchId: string): string;
  filePath(launchId: string, artifactPath: string): string;
  setPid(launchId: string, pid: number): void;
  updateCapture(launchId: string, capture: object): void;
  addFile(launchId: string, artifactPath: string, content: string | Buffer): Promise<void>;
  end(launchId: string, ending: LaunchEnding, options?: EndLaunchOptions): Promise<EndedLaunch>;
  release(launchId: string): Promise<void>;
}

export interface RemoteLaunchOptions {
  /** The local record of the launch and its files. */
  readonly launches: RemoteLaunchRecords;
  readonly launchId: string;
  /** What the launcher captured (plain JSON), and the files its runs get (the diff, the script's copy, …). */
  readonly capture: object;
  readonly files: Readonly<Record<string, string | Buffer>>;
  /** The tags and dataset inputs every run of the launch carries, from the capture. */
  readonly imprintOf: (capture: unknown) => LaunchImprint;
  /** The server (its name in `runlens.remoteServers`, its URL and credentials). */
  readonly server: RemoteServer & { readonly name: string };
  /** The experiment the script logs to: by id, else by name (made when the server lacks it), else the server's Default. */
  readonly experiment: { readonly id?: string; readonly name?: string };
  /** The script as its process's argv[0], which MLflow's client records as `mlflow.source.name`. */
  readonly scriptPath: string;
  /** For the requests before the script starts: a server that is down should be said at once. */
  readonly startRequests?: RestClientOptions;
  /** For the requests after it ended: retried as patiently as a push. */
  readonly endRequests?: RestClientOptions;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

/** Two quick tries, 15 s each at most: the person is waiting for the script to start. */
const startRetry = { maxAttempts: 2, baseDelayMs: 300, maxDelayMs: 1000 };

/**
 * A launch that logs straight to a remote MLflow server. Before the script starts, the run is made
 * there with the capture's tags, dataset inputs and files (the process resumes it through
 * MLFLOW_RUN_ID). When the process ends, that run and the other runs the process created there
 * (findLaunchRuns) get the capture's tags and files, the exit code and, when still RUNNING, the
 * process's outcome. The store keeps the launch's record, and its files until the end has reached
 * the server: an end that could not be sent is kept, with the ending, for settleRemoteLaunch.
 */
export class RemoteLaunch implements LaunchRecorder {
  private record: RemoteLaunchRecord;
  private imprint: LaunchImprint;
  private readonly artifactUris = new Map<string, string>();
  private readonly startClient: MlflowRestClient;
  private readonly endClient: MlflowRestClient;
  private readonly match: LaunchRunMatch;
  private readonly log: (message: string) => void;
  /** Requests to the server one at a time, in order: a later copy of the output log never lands first. */
  private queue: Promise<void> = Promise.resolve();
  private ending: Promise<EndedLaunch> | undefined;

  private constructor(
    private readonly options: RemoteLaunchOptions,
    private readonly mainRun: Run,
    imprint: LaunchImprint,
    since: number,
  ) {
    this.imprint = imprint;
    this.startClient = startClientOf(options);
    this.endClient = new MlflowRestClient(options.server, options.endRequests);
    this.log = options.log ?? ((message) => console.error(message));
    this.artifactUris.set(mainRun.info.run_id, mainRun.info.artifact_uri);
    this.record = {
      server: options.server.name,
      url: this.startClient.baseUrl,
      experimentId: mainRun.info.experiment_id,
      runId: mainRun.info.run_id,
      runIds: [mainRun.info.run_id],
      synced: false,
      since,
      scriptPath: options.scriptPath,
    };
    this.match = launchRunMatch(options.launchId, since, imprint, options.scriptPath);
  }

  /**
   * Makes the launch's run on the server, then records the launch in the store and uploads its
   * files to that run. A server that cannot be reached, refuses, or cannot take the files fails
   * the start: the run made there is deleted again and the store's record ends as not started.
   */
  static async start(options: RemoteLaunchOptions): Promise<RemoteLaunch> {
    const { launches, launchId } = options;
    // The id goes into a search filter below: only the form newLaunchId makes is taken.
    if (!/^[0-9a-f]{32}$/.test(launchId)) throw new Error(`not a launch id: ${launchId}`);
    const client = startClientOf(options);
    const since = (options.now ?? Date.now)();
    const { imprint, dropped } = acceptedImprint(options.imprintOf(options.capture));
    for (const problem of dropped) options.log?.(`RunLens: launch ${launchId} leaves out ${problem}`);
    const experimentId = await experimentIdOn(client, options.experiment);
    const created = await createLaunchRun(client, { experimentId, launchId, imprint, startTime: since });
    const launch = new RemoteLaunch(options, runOfWire(created), imprint, since);
    try {
      await launches.open({ launchId, capture: options.capture, files: options.files, remote: launch.record });
    } catch (error) {
      await client.post('runs/delete', { run_id: launch.record.runId }).catch(() => undefined);
      throw error;
    }
    try {
      if (imprint.datasets.length > 0) await client.post('runs/log-inputs', { run_id: launch.record.runId, datasets: imprint.datasets });
      const { run_id: runId, artifact_uri: artifactUri } = launch.mainRun.info;
      await uploadLaunchFiles(client, launches.filesFolder(launchId), { runId, artifactUri });
    } catch (error) {
      await client.post('runs/delete', { run_id: launch.record.runId }).catch(() => undefined);
      const reason = `the run could not be prepared on ${launch.record.url}: ${(error as Error).message}`;
      await launches.end(launchId, { kind: 'notStarted', reason }).catch(() => undefined);
      launch.keepRecord({ ...launch.record, dropped: 'the launch did not start' });
      await launches.release(launchId).catch(() => undefined);
      throw error;
    }
    return launch;
  }

  get launchId(): string {
    return this.options.launchId;
  }

  /** Where the launch logs, and what became of its end. */
  get remote(): RemoteLaunchRecord {
    return this.record;
  }

  /** The run made on the server before the script started, for MLFLOW_RUN_ID. */
  get run(): Run {
    return this.mainRun;
  }

  filePath(launchId: string, artifactPath: string): string {
    return this.options.launches.filePath(launchId, artifactPath);
  }

  setPid(launchId: string, pid: number): void {
    this.options.launches.setPid(launchId, pid);
  }

  /** The launch's run exists before its process: a listener hears of it at once. */
  onRunCreated(listener: (launchId: string, run: Run) => void): { dispose(): void } {
    let live = true;
    queueMicrotask(() => {
      if (live) listener(this.launchId, this.mainRun);
    });
    return { dispose: () => (live = false) };
  }

  /** The growing output log, to the launch's run while it runs; a failure here only waits for the end. */
  publishFile(_launchId: string, artifactPath: string): Promise<void> {
    return this.enqueue(`copy ${artifactPath}`, () => this.upload(this.startClient, this.record.runId, [artifactPath]));
  }

  updateCapture(launchId: string, capture: object): void {
    this.options.launches.updateCapture(launchId, capture);
    const after = acceptedImprint(this.options.imprintOf(capture)).imprint;
    const changed = changedTags(this.imprint, after);
    this.imprint = after;
    if (changed.length === 0) return;
    const runIds = [...this.record.runIds];
    void this.enqueue('update the capture tags', async () => {
      for (const runId of runIds) await logTags(this.endClient, runId, changed);
    });
  }

  async addFile(launchId: string, artifactPath: string, content: string | Buffer): Promise<void> {
    await this.options.launches.addFile(launchId, artifactPath, content);
    const runIds = [...this.record.runIds];
    await this.enqueue(`upload ${artifactPath}`, async () => {
      for (const runId of runIds) await this.upload(this.endClient, runId, [artifactPath]);
    });
  }

  /**
   * Ends the store's record, then tells the server: the runs of the launch get the capture, the
   * exit code, the files and the outcome. A failure to reach the server is in `remote.failure`;
   * the record (with the ending) and the files stay for settleRemoteLaunch.
   */
  end(launchId: string, ending: LaunchEnding, options?: EndLaunchOptions): Promise<EndedLaunch> {
    this.ending ??= this.options.launches.end(launchId, ending, options).then((ended) => {
      // Kept before anything is sent: should this window end now, the next session sends this end.
      this.keepRecord({ ...this.record, ending });
      return this.finish(ended, ending);
    });
    return this.ending;
  }

  /** The files go once the end reached the server; until then they are what a retry sends. */
  async release(launchId: string): Promise<void> {
    await this.queue;
    if (this.record.synced) await this.options.launches.release(launchId);
  }

  private async finish(ended: EndedLaunch, ending: LaunchEnding): Promise<EndedLaunch> {
    await this.queue;
    let runs: Run[] = [];
    try {
      runs = await sendRemoteLaunchEnd(this.endClient, {
        runId: this.record.runId,
        match: this.match,
        imprint: this.imprint,
        ending,
        endedTime: ended.endedTime,
        filesFolder: this.options.launches.filesFolder(this.launchId),
      });
      for (const run of runs) this.artifactUris.set(run.info.run_id, run.info.artifact_uri);
      const { server, url, experimentId, runId } = this.record;
      this.keepRecord({ server, url, experimentId, runId, runIds: runs.map((run) => run.info.run_id), synced: true });
    } catch (error) {
      this.keepRecord({ ...this.record, synced: false, failure: (error as Error).message });
    }
    return { ...ended, runs, madeRun: false, remote: this.record };
  }

  private keepRecord(record: RemoteLaunchRecord): void {
    this.record = record;
    this.options.launches.setRemote(this.launchId, record);
  }

  /** The launch's files named (the growing output log, the package listing) to a run on the server, replacing what it has. */
  private upload(client: MlflowRestClient, runId: string, only: readonly string[]): Promise<void> {
    const artifactUri = this.artifactUris.get(runId) ?? '';
    return uploadLaunchFiles(client, this.options.launches.filesFolder(this.launchId), { runId, artifactUri }, only, true);
  }

  /** Runs `send` after what is queued; a failure is logged, and the queue goes on. */
  private enqueue(what: string, send: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(send).catch((error: Error) => this.log(`RunLens: could not ${what} for launch ${this.launchId} on ${this.record.url}: ${error.message}`));
    return this.queue;
  }
}

function startClientOf(options: RemoteLaunchOptions): MlflowRestClient {
  return new MlflowRestClient(options.server, { retry: startRetry, timeoutMs: 15_000, ...options.startRequests });
}

async function experimentIdOn(client: MlflowRestClient, experiment: RemoteLaunchOptions['experiment']): Promise<string> {
  if (experiment.id) return experiment.id;
  if (experiment.name) return new RemoteExperiments(client).idFor({ name: experiment.name, tags: [] });
  return '0';
}

/** The launch's run, made once although a reply may be lost: a run carrying the launch's id is found rather than made again. */
async function createLaunchRun(
  client: MlflowRestClient,
  request: { experimentId: string; launchId: string; imprint: LaunchImprint; startTime: number },
): Promise<WireRun> {
  const { experimentId, launchId, imprint, startTime } = request;
  const user = imprint.tags.find((tag) => tag.key === 'mlflow.user')?.value;
  return createOnce(
    client,
    async () =>
      (
        await client.post<{ runs?: WireRun[] }>('runs/search', {
          experiment_ids: [experimentId],
          filter: `tags.\`${LaunchTag.LaunchId}\` = '${launchId}'`,
          run_view_type: 'ACTIVE_ONLY',
          max_results: 1,
        })
      ).runs?.[0],
    async () =>
      (
        await client.postOnce<{ run: WireRun }>('runs/create', {
          experiment_id: experimentId,
          start_time: startTime,
          ...(user ? { user_id: user } : {}),
          tags: [...imprint.tags.filter((tag) => tag.key !== LaunchTag.LaunchId), { key: LaunchTag.LaunchId, value: launchId }],
        })
      ).run,
  );
}
