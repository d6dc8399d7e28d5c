import type { LoggedModelSummary } from '../protocol/dashboards/runRequests';
import type { MetricSummary, RunsChangedParams } from '../protocol/dashboards/shapes';
import { parseRemoteAddress, remoteAddress, type RemoteAddress } from '../protocol/runAddress';
import type { Experiment, Run } from '../core/entities';
import { describeRemoteFailure } from '../remote/browse/remoteBrowser';
import type { RemoteMirrors, RemoteServerRef } from '../remote/browse/remoteMirrors';
import type { MirrorDepth, RemoteRunMirror } from '../remote/browse/remoteRunMirror';
import type { ArtifactEntry, ArtifactFile, ArtifactStore } from '../core/store/artifactStore';
import type { TrackingStore } from '../core/store/trackingStore';
import { RemoteError, RemoteUnavailableError } from '../remote/client/mlflowRestClient';
import { DashboardError } from './dashboardError';
import { readMetricSummaries } from '../core/runs/metricSummaries';
import { storePathOf, storeRootOf } from '../core/store/runArtifactRoot';
import { filterLiteral } from '../core/search/filterLiteral';

/** A run's artifacts, by paths relative to its artifact root. */
export interface RunArtifacts {
  /** The entries directly inside a folder ('' is the root), names relative to it. */
  list(folder: string): Promise<ArtifactEntry[]>;
  read(path: string): Promise<ArtifactFile>;
}

/**
 * Where runs are read from: the workspace's store, or the in-memory mirror of a remote server.
 * Inside a source, runs and experiments have the source's own ids; the protocol names them by
 * address (the id itself locally, `<server URL>#<id>` for a remote), and `present` turns the first
 * into the second so that every model built from a run carries ids the views can send back.
 */
export interface RunSource {
  readonly tracking: TrackingStore;
  /** Set for a remote server's runs. */
  readonly remote?: { readonly server: RemoteServerRef; readonly mirror: RemoteRunMirror };
  /** The run's artifacts; undefined when this source cannot reach them. */
  artifactsOf(run: Run): RunArtifacts | undefined;
  /** The models the run logged (MLflow 3's logged models, whose files are not among the run's artifacts). */
  loggedModelsOf(run: Run): Promise<LoggedModelSummary[]>;
  /** The run (read from `tracking`) with the protocol's ids. */
  present(run: Run): Run;
  presentExperiment(experiment: Experiment): Experiment;
  /** The protocol's id of a run of this source. */
  runAddress(localRunId: string): string;
}

/** A run as a request names it, where it was found, and how the views see it. */
export interface ResolvedRun {
  readonly address: string;
  readonly localId: string;
  readonly source: RunSource;
  /** As `source.tracking` holds it, with the source's own ids. */
  readonly stored: Run;
  /** With the protocol's ids (`present`). */
  readonly run: Run;
}

/** An experiment as a request names it, with its runs ready to be read from `source.tracking`. */
export interface ResolvedExperiment {
  readonly source: RunSource;
  readonly localId: string;
  /** Why the table may be incomplete (a remote experiment with more runs than are copied). */
  readonly notes: readonly string[];
}

/**
 * Resolves the runs and experiments a dashboard request names, local or remote, and copies remote
 * ones into their mirror first (as deep as the request needs). Failures to reach a remote server
 * become a DashboardError with a line a person can act on (describeRemoteFailure); an address of a
 * server that is not added, or a remote address where no servers are configured (the browser mode),
 * is refused.
 */
export class RunSources {
  /** The workspace's store; undefined for a reader of remote servers only. */
  private readonly local: RunSource | undefined;

  constructor(store: { readonly tracking: TrackingStore; readonly artifacts: ArtifactStore } | undefined, private readonly remote: RemoteMirrors | undefined) {
    this.local = store && localSource(store.tracking, store.artifacts);
  }

  private localSource(): RunSource {
    if (this.local === undefined) throw noLocalStore();
    return this.local;
  }

  /** The added remote servers (none in the browser mode). */
  remoteServers(): RemoteServerRef[] {
    return this.remote?.servers() ?? [];
  }

  /** The runs, in the order asked, remote ones copied at least `depth` deep (in parallel, per server). */
  async runs(addresses: readonly string[], depth: MirrorDepth): Promise<ResolvedRun[]> {
    const byServer = new Map<string, string[]>();
    for (const address of addresses) {
      const remote = parseRemoteAddress(address);
      if (remote) byServer.set(remote.serverUrl, [...(byServer.get(remote.serverUrl) ?? []), remote.id]);
    }
    const sources = new Map<string, RunSource>();
    await Promise.all(
      [...byServer].map(async ([url, runIds]) => {
        const source = await this.remoteSource(url);
        await reach(source, () => source.remote!.mirror.ensureRuns(runIds, depth));
        sources.set(url, source);
      }),
    );
    return addresses.map((address) => {
      const remote = parseRemoteAddress(address);
      const source = remote ? sources.get(remote.serverUrl)! : this.localSource();
      const localId = remote ? remote.id : address;
      const stored = source.tracking.getRun(localId);
      return { address, localId, source, stored, run: source.present(stored) };
    });
  }

  /** The experiment; a remote one has its runs copied (summaries) so that its store answers the table. */
  async experiment(address: string): Promise<ResolvedExperiment> {
    const remote = parseRemoteAddress(address);
    if (!remote) return { source: this.localSource(), localId: address, notes: [] };
    const source = await this.remoteSource(remote.serverUrl);
    const { server, mirror } = source.remote!;
    const runs = await reach(source, () => mirror.syncExperiment(remote.id));
    const notes =
      runs.truncatedAt === undefined
        ? []
        : [`This experiment on ${server.name} has more runs than RunLens copies for a table: the newest ${runs.truncatedAt.toLocaleString('en-US')} are shown.`];
    return { source, localId: runs.localExperimentId, notes };
  }

  /** Last, min, max and point count of every metric of the runs, by address. */
  summaries(runs: readonly ResolvedRun[]): Map<string, Map<string, MetricSummary>> {
    const bySource = new Map<RunSource, ResolvedRun[]>();
    for (const run of runs) bySource.set(run.source, [...(bySource.get(run.source) ?? []), run]);
    const summaries = new Map<string, Map<string, MetricSummary>>();
    for (const [source, group] of bySource) {
      const read = readMetricSummaries(source.tracking, group.map((run) => run.localId));
      for (const run of group) {
        const metrics = read.get(run.localId);
        if (metrics) summaries.set(run.address, metrics);
      }
    }
    return summaries;
  }

  /** What the views should know about incomplete copies of these runs. */
  notes(runs: readonly ResolvedRun[]): string[] {
    return runs.map((run) => run.source.remote?.mirror.noteFor(run.localId)).filter((note): note is string => note !== undefined);
  }

  /**
   * Of the remote runs and experiments a panel watches, what changed on their servers since they
   * were read: runs that were running, experiments with running runs (the mirror asks only about
   * those). Undefined when nothing did, or when a server could not be asked (the next poll tries again).
   */
  async remoteChanges(watch: { readonly runIds?: readonly string[]; readonly experimentIds?: readonly string[] }): Promise<RunsChangedParams | undefined> {
    const remote = this.remote;
    if (!remote) return undefined;
    const servers = new Set(remote.servers().map((server) => server.url));
    // A server that cannot be asked now counts as unchanged: the next poll asks again.
    const ask = async <T>(url: string, question: (mirror: RemoteRunMirror) => Promise<T>, otherwise: T): Promise<T> => {
      if (!servers.has(url)) return otherwise;
      try {
        return await question(await remote.mirror(url));
      } catch {
        return otherwise;
      }
    };
    const experiments = (watch.experimentIds ?? []).map(parseRemoteAddress).filter((a): a is RemoteAddress => a !== undefined);
    const experimentChanges = await Promise.all(experiments.map((a) => ask(a.serverUrl, (mirror) => mirror.experimentChanged(a.id), false)));
    if (experimentChanges.some(Boolean)) return { all: true };
    const byServer = new Map<string, string[]>();
    for (const address of (watch.runIds ?? []).map(parseRemoteAddress)) {
      if (address) byServer.set(address.serverUrl, [...(byServer.get(address.serverUrl) ?? []), address.id]);
    }
    const changed: string[] = [];
    await Promise.all(
      [...byServer].map(async ([url, runIds]) => {
        const ids = await ask(url, (mirror) => mirror.changedRuns(runIds), []);
        changed.push(...ids.map((id) => remoteAddress(url, id)));
      }),
    );
    return changed.length > 0 ? { all: false, runIds: changed } : undefined;
  }

  /** Calls the remote server behind a source, turning its failures into messages for the view. */
  reach<T>(source: RunSource, action: () => Promise<T>): Promise<T> {
    return reach(source, action);
  }

  /** The source of an added remote server's runs; refused for any other URL. */
  async remoteSource(url: string): Promise<RunSource> {
    if (!this.remote) {
      throw new DashboardError('unavailable', `Runs of remote servers (${url}) open in VS Code, where remote servers are added; this server shows its own store.`);
    }
    const server = this.remote.server(url);
    const mirror = await this.remote.mirror(url);
    const experimentAddress = (localExperimentId: string) => remoteAddress(server.url, mirror.remoteExperimentId(localExperimentId));
    return {
      tracking: mirror.tracking,
      remote: { server, mirror },
      artifactsOf: (run) => ({
        list: (folder) => reachServer(server, () => mirror.artifacts.list(run.info.run_id, folder)),
        read: (path) => reachServer(server, () => mirror.artifacts.read(run.info.run_id, path)),
      }),
      loggedModelsOf: (run) => reachServer(server, () => mirror.loggedModels(run.info.run_id)),
      present: (run) => ({
        ...run,
        info: { ...run.info, run_id: remoteAddress(server.url, run.info.run_id), run_uuid: remoteAddress(server.url, run.info.run_id), experiment_id: experimentAddress(run.info.experiment_id) },
      }),
      presentExperiment: (experiment) => ({ ...experiment, experiment_id: experimentAddress(experiment.experiment_id), name: `${experiment.name} (${server.name})` }),
      runAddress: (runId) => remoteAddress(server.url, runId),
    };
  }
}

function reach<T>(source: RunSource, action: () => Promise<T>): Promise<T> {
  return source.remote ? reachServer(source.remote.server, action) : action();
}

async function reachServer<T>(server: RemoteServerRef, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (RemoteError.is(error, 'RESOURCE_DOES_NOT_EXIST')) throw new DashboardError('notFound', `${server.name} (${server.url}): ${error.message}`);
    if (RemoteError.is(error) || RemoteUnavailableError.is(error)) {
      throw new DashboardError('unavailable', `Remote server ${server.name} (${server.url}): ${describeRemoteFailure(error)}`);
    }
    throw error;
  }
}

/** The workspace's store as a source of runs: ids as they are, artifacts under the store's root. */
function localSource(tracking: TrackingStore, artifacts: ArtifactStore): RunSource {
  return {
    tracking,
    artifactsOf: (run) => {
      const root = storeRootOf(run.info.artifact_uri);
      if (root === undefined) return undefined;
      return {
        list: (folder) => artifacts.list(folder === '' ? root : storePathOf(run.info.artifact_uri, folder)),
        read: (path) => artifacts.read(storePathOf(run.info.artifact_uri, path)),
      };
    },
    loggedModelsOf: (run) =>
      Promise.resolve(
        tracking
          .searchLoggedModels({
            experimentIds: [run.info.experiment_id],
            filter: `source_run_id = ${filterLiteral(run.info.run_id)}`,
            orderBy: ['creation_timestamp DESC'],
            maxResults: 100,
          })
          .models.map(({ info, data }) => ({
            modelId: info.model_id,
            name: info.name,
            status: info.status,
            artifactUri: info.artifact_uri,
            creationTime: info.creation_timestamp_ms,
            metrics: (data.metrics ?? []).map((metric) => ({
              key: metric.key,
              value: metric.value,
              step: metric.step,
              timestamp: metric.timestamp,
              ...(metric.dataset_name ? { datasetName: metric.dataset_name } : {}),
              ...(metric.dataset_digest ? { datasetDigest: metric.dataset_digest } : {}),
            })),
          })),
      ),
    present: (run) => run,
    presentExperiment: (experiment) => experiment,
    runAddress: (runId) => runId,
  };
}

/** What a reader of remote servers only answers for a workspace run or experiment. */
export function noLocalStore(): DashboardError {
  return new DashboardError('unavailable', "This window reads only the remote servers' runs here: the RunLens process that keeps the workspace's runs answers for them.");
}
