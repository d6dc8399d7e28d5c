import { createHash } from 'node:crypto';
import { notFound } from '../../core/errors';
import { RemoteError } from '../client/mlflowRestClient';
import { nextTurn } from '../../core/nextTurn';
import { Database } from '../../core/store/database';
import { TrackingStore } from '../../core/store/trackingStore';
import type { RemoteServer } from '../client/remoteServer';
import { ExpiringCache } from './expiringCache';
import { appendPoints, removeRun, replaceRun, upsertExperiment } from './mirrorWrites';
import { RemoteArtifacts } from './remoteArtifacts';
import { printOf, truncation, type ExperimentRunsCopy, type RunCopy } from './mirrorCopies';
import { defaultMirrorLimits, type MirrorLimits } from './mirrorLimits';
import { loggedModelSummary } from './remoteRecords';
import { fetchExperiment, fetchExperimentRuns, fetchHistories, fetchRun } from './remoteRunFetch';
import { RemoteRequests } from './remoteRequests';
import { RemoteRunSearch } from './remoteRunSearch';
import type { LoggedModelSummary } from '../../core/runs/runReadModels';
import { filterLiteral } from '../../core/search/filterLiteral';

/** `summary`: the run with the latest value of each metric (what a table needs); `full`: every metric point. */
export type MirrorDepth = 'summary' | 'full';

/** An experiment's runs copied for its table. */
export interface ExperimentRuns {
  /** The experiment's id in the mirror's store. */
  readonly localExperimentId: string;
  /** Set when the experiment has more runs than the mirror copies: the table holds the newest this many. */
  readonly truncatedAt?: number;
  /** Whether the set of runs or any of them changed since the previous sync. */
  readonly changed: boolean;
}

type Wire = Record<string, unknown>;

/**
 * A copy of a remote MLflow server's runs in an in-memory sql.js TrackingStore, made as dashboards
 * ask for them, so that every dashboard reads a remote run with the same code as a local one
 * (summaries, series, diff, compare). Runs are read with runs/get, their whole metric histories
 * page by page with metrics/get-history, an experiment's runs with runs/search; every request
 * goes through one limiter (a few at a time), and each copy is trusted for a while (a running run
 * for a few seconds). What one request may copy is capped (points per request, shared among its
 * runs, and per run), and long histories are written in chunks with a turn of the event loop
 * between, so a huge remote run cannot stall the host. Errors are the REST client's: RemoteError
 * when the server answered, RemoteUnavailableError when it could not be reached.
 */
export class RemoteRunMirror {
  readonly url: string;
  /** The copied runs' artifacts, read from the server through the mirror's limiter and cache. */
  readonly artifacts: RemoteArtifacts;
  /** The compare picker's search for the server's runs by name. */
  readonly search: RemoteRunSearch;
  private readonly requests: RemoteRequests;
  private readonly runs = new Map<string, RunCopy>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly experimentIds = new Map<string, number>();
  private readonly remoteExperimentIds = new Map<number, string>();
  private readonly experiments: ExpiringCache<number>;
  private readonly experimentRuns = new Map<string, ExperimentRunsCopy>();
  private readonly syncing = new Map<string, Promise<ExperimentRuns>>();
  /** Runs and experiments whose last read failed (the server was down): live views ask again until it answers. */
  private readonly failedRuns = new Set<string>();
  private readonly failedExperiments = new Set<string>();

  static async open(server: RemoteServer, limits: Partial<MirrorLimits> = {}, now: () => number = Date.now): Promise<RemoteRunMirror> {
    return new RemoteRunMirror(server, new TrackingStore(await Database.open()), { ...defaultMirrorLimits, ...limits }, now);
  }

  private constructor(
    server: RemoteServer,
    readonly tracking: TrackingStore,
    readonly limits: MirrorLimits,
    private readonly now: () => number,
  ) {
    this.requests = new RemoteRequests(server, limits, now);
    this.url = this.requests.url;
    this.artifacts = new RemoteArtifacts(this.requests, tracking);
    this.search = new RemoteRunSearch(this.requests);
    this.experiments = new ExpiringCache({ maxEntries: 10_000, ttlMs: limits.ttlMs }, now);
    // The store made a Default experiment of its own; the server's experiments come in as they are read.
    tracking.db.write((tx) => tx.run('DELETE FROM experiments'));
  }

  close(): void {
    this.tracking.db.close();
  }

  /** Makes sure each run is copied at least this deep and recently enough; reads the server only for those that are not. */
  async ensureRuns(runIds: readonly string[], depth: MirrorDepth): Promise<void> {
    const unique = [...new Set(runIds)];
    const share = Math.max(1, Math.min(this.limits.maxRunPoints, Math.floor(this.limits.maxRequestPoints / Math.max(1, unique.length))));
    await Promise.all(unique.map((runId) => this.ensureRun(runId, depth, share)));
    this.evict(new Set(unique));
  }

  /** Why a run's copy is incomplete, for the person; undefined when it is whole. */
  noteFor(runId: string): string | undefined {
    const copy = this.runs.get(runId);
    if (copy?.depth !== 'full' || copy.cutAt === undefined) return undefined;
    return `Run ${copy.record.name || runId} logged more metric points than a view copies from ${this.url} (${copy.cutAt.toLocaleString('en-US')} for this view): its charts, min and max cover the first ${copy.points.toLocaleString('en-US')} points; last values are exact.`;
  }

  /** The mirror's id of a remote experiment, read from the server the first time (and again after the TTL). */
  async experimentId(remoteExperimentId: string): Promise<string> {
    return String(await this.localExperiment(remoteExperimentId));
  }

  /** The server's id of an experiment in the mirror. */
  remoteExperimentId(localExperimentId: string): string {
    const remote = this.remoteExperimentIds.get(Number(localExperimentId));
    if (remote === undefined) throw notFound(`No experiment ${localExperimentId} has been read from ${this.url}.`);
    return remote;
  }

  /**
   * Copies an experiment's runs (newest first, deleted ones too, at most `maxExperimentRuns`) at
   * summary depth, keeping deeper copies that have not changed, and drops copies of runs the server
   * no longer has there. Then the mirror's store answers the experiment's table and filters.
   */
  syncExperiment(remoteExperimentId: string, options: { readonly force?: boolean } = {}): Promise<ExperimentRuns> {
    const state = this.experimentRuns.get(remoteExperimentId);
    const fresh = state && this.now() - state.syncedAt < (state.running ? this.limits.runningTtlMs : this.limits.ttlMs);
    if (fresh && !options.force) {
      const localExperimentId = this.experimentIds.get(remoteExperimentId);
      if (localExperimentId !== undefined) return Promise.resolve({ localExperimentId: String(localExperimentId), ...truncation(state), changed: false });
    }
    let sync = this.syncing.get(remoteExperimentId);
    if (!sync) {
      sync = this.readExperimentRuns(remoteExperimentId)
        .then(
          (runs) => {
            this.failedExperiments.delete(remoteExperimentId);
            return runs;
          },
          (error: unknown) => {
            this.failedExperiments.add(remoteExperimentId);
            throw error;
          },
        )
        .finally(() => this.syncing.delete(remoteExperimentId));
      this.syncing.set(remoteExperimentId, sync);
    }
    return sync;
  }

  /**
   * For live views: which of these runs changed on the server since they were read (one runs/get
   * each): those running when last read, and those whose last read failed (the server was down),
   * which count as changed once it answers, so a panel that loaded during an outage loads again
   * when the server is back.
   */
  async changedRuns(runIds: readonly string[]): Promise<string[]> {
    const asked = [...new Set(runIds)].filter(
      (runId) => !this.loading.has(runId) && (this.failedRuns.has(runId) || this.runs.get(runId)?.record.status === 'RUNNING'),
    );
    const changed: string[] = [];
    await Promise.all(
      asked.map(async (runId) => {
        const record = await fetchRun(this.requests, runId).catch(() => undefined);
        const copy = this.runs.get(runId);
        if (record === undefined) return;
        if (this.failedRuns.has(runId)) {
          if (copy) copy.fetchedAt = -Infinity;
          changed.push(runId);
        } else if (copy && printOf(record) !== copy.print) {
          copy.fetchedAt = -Infinity;
          changed.push(runId);
        }
      }),
    );
    return changed;
  }

  /**
   * For live views: whether an experiment with running runs changed since its table was read, or,
   * for one whose last read failed (the server was down), whether it can be read now.
   */
  async experimentChanged(remoteExperimentId: string): Promise<boolean> {
    if (this.failedExperiments.has(remoteExperimentId)) {
      return !this.syncing.has(remoteExperimentId) && (await this.syncExperiment(remoteExperimentId, { force: true }).then(() => true, () => false));
    }
    const state = this.experimentRuns.get(remoteExperimentId);
    if (!state?.running) return false;
    return (await this.syncExperiment(remoteExperimentId, { force: true })).changed;
  }

  /**
   * The models a copied run logged, newest first (logged-models/search by source_run_id in the run's
   * experiment): MLflow 3 keeps their files under the model's own artifact location, outside the
   * run's artifacts. A server without logged models (MLflow 2 answers 404) has none.
   */
  loggedModels(runId: string): Promise<LoggedModelSummary[]> {
    const copy = this.runs.get(runId);
    if (copy === undefined) return Promise.resolve([]);
    return this.requests.cached(`logged-models/${runId}`, async () => {
      try {
        const reply = await this.requests.call((client) =>
          client.post<Wire>('logged-models/search', {
            experiment_ids: [copy.record.experimentId],
            filter: `source_run_id = ${filterLiteral(runId)}`,
            order_by: [{ field_name: 'creation_timestamp', ascending: false }],
            max_results: 100,
          }),
        );
        return Array.isArray(reply.models) ? (reply.models as Wire[]).map(loggedModelSummary) : [];
      } catch (error) {
        if (RemoteError.is(error) && error.status === 404) return [];
        throw error;
      }
    });
  }

  /** Sets a tag on the server's run (runs/set-tag), then on the copy. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.requests.call((client) => client.post('runs/set-tag', { run_id: runId, key, value }));
    this.tracking.setTag(runId, key, value);
    const copy = this.runs.get(runId);
    if (copy) copy.fetchedAt = -Infinity;
  }

  private ensureRun(runId: string, depth: MirrorDepth, share: number): Promise<void> {
    const inFlight = this.loading.get(runId);
    // Whatever is being read now may be shallower than asked: look again when it is done.
    if (inFlight) return inFlight.then(() => this.ensureRun(runId, depth, share));
    const copy = this.runs.get(runId);
    if (copy && this.isFresh(copy, depth, share)) {
      copy.lastUsed = this.now();
      return Promise.resolve();
    }
    const load = this.copyRun(runId, depth, share)
      .then(
        () => void this.failedRuns.delete(runId),
        (error: unknown) => {
          this.failedRuns.add(runId);
          throw error;
        },
      )
      .finally(() => this.loading.delete(runId));
    this.loading.set(runId, load);
    return load;
  }

  private isFresh(copy: RunCopy, depth: MirrorDepth, share: number): boolean {
    if (depth === 'full' && copy.depth !== 'full') return false;
    if (depth === 'full' && copy.cutAt !== undefined && share > copy.cutAt) return false;
    const ttl = copy.record.status === 'RUNNING' ? this.limits.runningTtlMs : this.limits.ttlMs;
    return this.now() - copy.fetchedAt < ttl;
  }

  private async copyRun(runId: string, depth: MirrorDepth, share: number): Promise<void> {
    const record = await fetchRun(this.requests, runId);
    const fetchedAt = this.now();
    const known = this.runs.get(runId);
    if (known && known.print === printOf(record) && (depth === 'summary' || (known.depth === 'full' && (known.cutAt === undefined || share <= known.cutAt)))) {
      // Unchanged on the server since it was copied (a running run between two logs): one runs/get, and the copy stays.
      known.fetchedAt = fetchedAt;
      known.lastUsed = fetchedAt;
      return;
    }
    const localExperimentId = await this.localExperiment(record.experimentId);
    if (depth === 'summary') {
      this.tracking.db.write((tx) => replaceRun(tx, record, localExperimentId, record.metrics));
      this.remember({ record, localExperimentId, depth, fetchedAt, points: record.metrics.length });
      return;
    }
    const { points, cut } = await fetchHistories(this.requests, record, share, this.limits.historyPageSize);
    // The latest values come along, so that "last" stays exact when a history was cut.
    const first = points.slice(0, this.limits.writeChunkPoints).concat(record.metrics);
    this.tracking.db.write((tx) => replaceRun(tx, record, localExperimentId, first));
    for (let start = this.limits.writeChunkPoints; start < points.length; start += this.limits.writeChunkPoints) {
      await nextTurn();
      const part = points.slice(start, start + this.limits.writeChunkPoints);
      this.tracking.db.write((tx) => appendPoints(tx, runId, part));
    }
    this.remember({ record, localExperimentId, depth, fetchedAt, points: points.length, ...(cut ? { cutAt: share } : {}) });
  }

  private remember(copy: Omit<RunCopy, 'print' | 'lastUsed'>): void {
    this.runs.set(copy.record.runId, { ...copy, print: printOf(copy.record), lastUsed: this.now() });
  }

  private localExperiment(remoteExperimentId: string): Promise<number> {
    return this.experiments.getOrLoad(remoteExperimentId, async () => {
      const experiment = await fetchExperiment(this.requests, remoteExperimentId);
      let localId = this.experimentIds.get(remoteExperimentId);
      if (localId === undefined) {
        localId = this.experimentIds.size + 1;
        this.experimentIds.set(remoteExperimentId, localId);
        this.remoteExperimentIds.set(localId, remoteExperimentId);
      }
      const id = localId;
      this.tracking.db.write((tx) => upsertExperiment(tx, { localId: id, ...experiment }));
      return id;
    });
  }

  private async readExperimentRuns(remoteExperimentId: string): Promise<ExperimentRuns> {
    const localId = await this.localExperiment(remoteExperimentId);
    const { found, truncatedAt } = await fetchExperimentRuns(this.requests, remoteExperimentId, this.limits.maxExperimentRuns);
    const fetchedAt = this.now();
    this.tracking.db.write((tx) => {
      for (const record of found) {
        const copy = this.runs.get(record.runId);
        if (copy && copy.print === printOf(record) && copy.localExperimentId === localId) {
          // Unchanged on the server: a deeper copy stays as it is, and counts as read now.
          copy.fetchedAt = fetchedAt;
          continue;
        }
        replaceRun(tx, record, localId, record.metrics);
        this.runs.set(record.runId, { record, print: printOf(record), localExperimentId: localId, depth: 'summary', fetchedAt, lastUsed: fetchedAt, points: record.metrics.length });
      }
      if (truncatedAt === undefined) {
        const listed = new Set(found.map((record) => record.runId));
        for (const { run_id: runId } of tx.all<{ run_id: string }>('SELECT run_id FROM runs WHERE experiment_id = ?', [localId])) {
          if (listed.has(runId)) continue;
          removeRun(tx, runId);
          this.runs.delete(runId);
        }
      }
    });
    const print = createHash('sha256')
      .update(found.map((record) => printOf(record)).join('\n'))
      .digest('hex');
    const previous = this.experimentRuns.get(remoteExperimentId);
    this.experimentRuns.set(remoteExperimentId, {
      syncedAt: fetchedAt,
      running: found.some((record) => record.status === 'RUNNING'),
      ...(truncatedAt === undefined ? {} : { truncatedAt }),
      print,
    });
    return { localExperimentId: String(localId), ...(truncatedAt === undefined ? {} : { truncatedAt }), changed: previous !== undefined && previous.print !== print };
  }

  /** Past `maxMirrorPoints`, the least recently used full copies (not those in use) go back to summaries. */
  private evict(inUse: ReadonlySet<string>): void {
    let total = 0;
    for (const copy of this.runs.values()) total += copy.points;
    if (total <= this.limits.maxMirrorPoints) return;
    const candidates = [...this.runs.values()].filter((copy) => copy.depth === 'full' && !inUse.has(copy.record.runId)).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const copy of candidates) {
      if (total <= this.limits.maxMirrorPoints) break;
      this.tracking.db.write((tx) => replaceRun(tx, copy.record, copy.localExperimentId, copy.record.metrics));
      total -= copy.points - copy.record.metrics.length;
      this.remember({ record: copy.record, localExperimentId: copy.localExperimentId, depth: 'summary', fetchedAt: copy.fetchedAt, points: copy.record.metrics.length });
    }
  }
}

