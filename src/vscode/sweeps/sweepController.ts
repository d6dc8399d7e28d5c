import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { FieldRef } from '../../protocol/dashboards/shapes';
import type { ExperimentDashboardState } from '../../protocol/dashboards/state';
import type { Run } from '../../core/entities';
import type { WorkspaceStore } from '../../core/store/workspaceStore';
import { SweepQueue, type PointState, type StartedPoint } from '../../core/sweeps/sweepQueue';
import type { PointLaunch, PointProgress, SweepRecord } from '../../core/sweeps/sweepRecords';
import type { SweepSpec } from '../../core/sweeps/sweepSpec';
import { SweepTag } from '../../core/sweeps/sweepTags';
import { CommandId, SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import type { LaunchController } from '../launch/launchController';
import type { LaunchReport } from '../launch/runningLaunch';
import { logError } from '../runLensLog';
import type { StoreAccess } from '../storeAccess';
import type { Session } from '../trackingSession';
import type { WorkspaceSessions } from '../workspaceSessions';
import { sweepCallOf, type SweepCall } from './sweepCall';

/** A sweep this window runs: its record, its queue, and the store it keeps them in (its own, or its owner's). */
interface LiveSweep {
  readonly record: SweepRecord;
  readonly queue: SweepQueue;
  readonly store: SweepStore;
  /** The queue's changes as the store has taken them, one after another: the sweep ends after them. */
  saved: Promise<void>;
  /** Resolves when the queue is idle again (ended, or stopped). */
  done: Promise<void>;
}

/** Where a sweep's records are written and its runs read: in process, or through the owner's server. */
interface SweepStore {
  readonly call: SweepCall;
  readonly access: StoreAccess;
}

/** How often, and how far apart, a window asks again for sweeps a live process still held (an extension host on its way out). */
const takeBackAttempts = 6;
const takeBackRetryMs = 5000;

/** What the Run Sweep command returns, for callers that follow the sweep (tests, other extensions). */
export interface SweepStarted {
  readonly sweepId: string;
  readonly parentRunId: string;
  readonly points: number;
}

/** What the extension's API tells tests and other extensions about sweeps. */
export interface SweepApi {
  /** Resolves when the sweep's queue is idle (every point ended, or it was stopped); undefined for a sweep not run here. */
  whenIdle(sweepId: string): Promise<void> | undefined;
  pointStates(sweepId: string): readonly PointState[] | undefined;
}

/**
 * Runs sweeps: a parent run that groups them, a queue of points with the concurrency limit, each
 * point a normal launch (capture, token, tags) with the sweep's tags, the queue kept in the store
 * so that the next window resumes it, and the experiment dashboard on the sweep's runs at the end.
 * The queue runs in this window; in a guest window its records are kept by the owner process.
 */
export class SweepController extends Disposable implements SweepApi {
  private readonly live = new Map<string, LiveSweep>();
  /** The stores (or, in a guest, the sessions with their owner) whose sweeps this window resumed: once each, when it has opened them. */
  private readonly resumedStores = new WeakSet<WorkspaceStore | Session>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when a point of any sweep changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly launches: LaunchController,
  ) {
    super();
    // The store opens on first use (a view, a launch, a script left running): its sweeps resume then.
    const watch = () => sessions.all().map((session) => session.onDidChange(() => void this.resumeOrLog()));
    let watching = watch();
    this.register(
      sessions.onDidChangeFolders(() => {
        for (const subscription of watching) subscription.dispose();
        watching = watch();
      }),
    );
    this.register({ dispose: () => watching.forEach((subscription) => subscription.dispose()) });
  }

  /** Resumes, reporting a failure to the log: called on events, where nobody awaits it. */
  resumeOrLog(): Promise<unknown> {
    if (!vscode.workspace.isTrusted) return Promise.resolve();
    return this.resume().catch((error: unknown) => logError('Could not resume the sweeps of this workspace', error));
  }

  /** Creates the sweep (parent run, records) and starts its queue. */
  async start(script: vscode.Uri, spec: SweepSpec): Promise<SweepStarted> {
    const store = await this.storeFor(script);
    const experimentName =
      spec.experiment ?? (vscode.workspace.getConfiguration(SettingSection, script).get<string>(SettingKey.DefaultExperiment)?.trim() || 'Default');
    const concurrency =
      spec.concurrency ?? vscode.workspace.getConfiguration(SettingSection, script).get<number>(SettingKey.SweepConcurrency, 1);
    const { record, points } = await store.call('start', {
      sweepId: randomUUID().replaceAll('-', ''),
      script: script.fsPath,
      spec,
      concurrency: Math.max(1, Math.floor(concurrency)),
      experimentName,
      runName: spec.name,
      sourceName: vscode.workspace.asRelativePath(script, false),
      holderPid: process.pid,
    });
    this.run(record, points, store);
    return { sweepId: record.sweepId, parentRunId: record.parentRunId, points: points.length };
  }

  /**
   * Resumes the sweeps a window left (reloaded, closed) in each store this window uses, once the
   * store is open, in a window that owns it and in a guest alike: the owner hands this window the
   * sweeps whose holder process is gone (`takeBack`), so two windows never run one sweep. A point
   * whose launch still runs under its supervisor is followed to its end, one whose launch ended
   * meanwhile takes its outcome, one that never launched is queued again; then the queued points
   * run. No point runs twice, none is lost. Sweeps a live process still holds (the extension host
   * before a reload, on its way out) are asked for again a few times.
   */
  async resume(): Promise<number> {
    let resumed = 0;
    for (const session of this.sessions.all()) {
      const opened = await session.openedSession();
      const key = opened?.kind === 'owner' ? opened.store : opened;
      const store = opened && sweepStoreOf(opened);
      if (!opened || !key || !store || this.resumedStores.has(key) || this.isDisposed) continue;
      this.resumedStores.add(key);
      resumed += await this.takeBack(opened, store, session.storeDir!, takeBackAttempts);
    }
    return resumed;
  }

  private async takeBack(opened: Session, store: SweepStore, storeDir: string, attemptsLeft: number): Promise<number> {
    // The launches a previous extension host left running first, so that their points are followed, not run again.
    const followed = await this.pointLaunchFollower(opened, storeDir);
    const { sweeps, heldElsewhere } = await store.call('takeBack', { holderPid: process.pid });
    let resumed = 0;
    for (const { record, points, launches } of sweeps) {
      if (this.live.has(record.sweepId) || this.isDisposed) continue;
      await this.resumeSweep(record, points, launches, store, followed);
      resumed++;
    }
    if (heldElsewhere > 0 && attemptsLeft > 1 && !this.isDisposed) {
      const retry = setTimeout(
        () => void this.takeBack(opened, store, storeDir, attemptsLeft - 1).catch((error: unknown) => logError('Could not resume the sweeps of this workspace', error)),
        takeBackRetryMs,
      );
      this.register({ dispose: () => clearTimeout(retry) });
    }
    return resumed;
  }

  /**
   * How this window follows a point's launch a previous extension host started that still runs:
   * in a window that owns the store it takes the launch over; a guest takes back from the owner
   * every launch whose window is gone (the owner ends those whose script ended meanwhile).
   */
  private async pointLaunchFollower(opened: Session, storeDir: string): Promise<(launchId: string) => Promise<LaunchReport> | undefined> {
    if (opened.kind === 'owner') {
      return (launchId) => {
        this.launches.reattach(storeDir, opened.launches, [launchId]);
        return this.launches.whenEnded(launchId);
      };
    }
    if (opened.endpoint) await this.launches.takeBack(storeDir, opened.endpoint);
    return (launchId) => this.launches.whenEnded(launchId);
  }

  private async resumeSweep(
    record: SweepRecord,
    points: readonly PointState[],
    launches: readonly PointLaunch[],
    store: SweepStore,
    follow: (launchId: string) => Promise<LaunchReport> | undefined,
  ): Promise<void> {
    const launchOfPoint = new Map(launches.map((launch) => [launch.index, launch]));
    const adopted = new Map<number, StartedPoint>();
    const states = points.map((state): PointState => {
      if (state.status !== 'running') return state;
      const launch = launchOfPoint.get(state.index);
      // The window went away while the point was being captured: it never ran.
      if (!launch) return { ...state, status: 'queued', attempts: Math.max(0, state.attempts - 1) };
      const ended = launch.status === 'RUNNING' ? follow(launch.launchId) : undefined;
      if (ended) {
        adopted.set(state.index, {
          stop: () => this.launches.running().find((running) => running.launchId === launch.launchId)?.stop('Stopped with RunLens: Stop Sweep.'),
          ended: ended.then((report) => this.pointEnded(store, state, report)),
        });
        return state;
      }
      // It ended while no window watched (or its supervisor is gone): as it ended.
      const runId = launch.runId ?? state.runId;
      return { ...state, status: launch.status === 'FINISHED' ? 'finished' : 'failed', ...(runId ? { runId } : {}) };
    });
    for (const [i, point] of states.entries()) if (point !== points[i]) await store.call('savePoint', { sweepId: record.sweepId, point: pointProgress(point) });
    this.run(record, states, store, { startNow: true, adopted });
  }

  /** Whether a run is a sweep's parent run this window knows, and that sweep's id. */
  async sweepOfRun(runId: string): Promise<string | undefined> {
    for (const live of this.live.values()) if (live.record.parentRunId === runId) return live.record.sweepId;
    for (const session of this.sessions.all()) {
      const opened = await session.openedSession();
      const store = opened && sweepStoreOf(opened);
      const { sweepId } = store ? await store.call('sweepOfParentRun', { runId }) : {};
      if (sweepId !== undefined) return sweepId;
    }
    return undefined;
  }

  stop(sweepId: string): void {
    const live = this.live.get(sweepId);
    if (!live) throw new Error('that sweep is not running in this window');
    live.queue.stop();
  }

  /** Queues the failed and stopped points of a sweep again (one that ended is taken up again). */
  async retryFailed(sweepId: string): Promise<void> {
    let live = this.live.get(sweepId);
    if (!live) {
      for (const session of this.sessions.all()) {
        const opened = await session.openedSession();
        const store = opened && sweepStoreOf(opened);
        // A store without the sweep refuses (RESOURCE_DOES_NOT_EXIST, 404): the next folder's may have it.
        // Another refusal (another window runs it) is the person's to read.
        const known = store && (await store.call('reopen', { sweepId, holderPid: process.pid }).catch(unlessNotFound));
        if (store && known) {
          live = this.run(known.record, known.points, store, { startNow: false });
          break;
        }
      }
    }
    if (!live) throw new Error('that sweep is not in this workspace\'s store');
    live.done = live.queue.retryFailed().then(() => this.ended(live));
  }

  /** Resolves when the sweep's queue is idle (every point ended, or it was stopped). */
  whenIdle(sweepId: string): Promise<void> | undefined {
    return this.live.get(sweepId)?.done;
  }

  pointStates(sweepId: string): readonly PointState[] | undefined {
    return this.live.get(sweepId)?.queue.pointStates();
  }

  private run(
    record: SweepRecord,
    states: readonly PointState[],
    store: SweepStore,
    options: { startNow: boolean; adopted?: ReadonlyMap<number, StartedPoint> } = { startNow: true },
  ): LiveSweep {
    const queue = new SweepQueue(states, {
      concurrency: record.concurrency,
      start: (state) => this.startPoint(record, state, store),
      onChange: (state) => {
        // A window going away abandons its launches: the store keeps the queue as it was, for the next window.
        if (this.isDisposed) return;
        const point = pointProgress(state);
        live.saved = live.saved
          .then(() => store.call('savePoint', { sweepId: record.sweepId, point }))
          .then(
            () => undefined,
            (error: unknown) => logError(`Could not record the progress of sweep ${record.sweepId}`, error),
          );
        this.changed.fire();
      },
    });
    for (const [index, started] of options.adopted ?? []) queue.adopt(index, started);
    const live: LiveSweep = { record, queue, store, saved: Promise.resolve(), done: Promise.resolve() };
    this.live.set(record.sweepId, live);
    if (options.startNow) live.done = queue.run().then(() => this.ended(live));
    return live;
  }

  /** The one place a sweep point is launched: a normal launch, with the point's arguments, variables and the sweep's tags. */
  private async startPoint(record: SweepRecord, state: PointState, store: SweepStore): Promise<StartedPoint | undefined> {
    if (this.isDisposed) return new Promise(() => undefined);
    const launch = await this.launches.launch({
      script: vscode.Uri.file(record.script),
      args: state.point.args,
      env: state.point.env,
      target: { kind: 'workspace' },
      sweep: { sweepId: record.sweepId, parentRunId: record.parentRunId, values: state.point.values, pointIndex: state.index },
      // The points go where the parent run went: the sweep's experiment, else the setting.
      ...(record.spec.experiment ? { experiment: record.spec.experiment } : {}),
    });
    if (!launch) return undefined;
    const ended = this.launches.whenEnded(launch.launchId);
    if (!ended) throw new Error('the launch of the point could not be followed');
    return {
      stop: () => launch.stop('Stopped with RunLens: Stop Sweep.'),
      ended: ended.then((report) => this.pointEnded(store, state, report)),
    };
  }

  private async pointEnded(store: SweepStore, state: PointState, report: LaunchReport): Promise<{ ok: boolean; runId?: string }> {
    const run = report.ended.runs[0];
    if (run) await this.recordValuesAsParams(store, run.info.run_id, state.point.values);
    return { ok: report.ended.status === 'FINISHED', ...(run ? { runId: run.info.run_id } : {}) };
  }

  /**
   * The varied values as params of the run, where the script did not log them itself: the
   * dashboard's axes. Logged after the script ended, so they never clash with its own log_param.
   */
  private async recordValuesAsParams(store: SweepStore, runId: string, values: Readonly<Record<string, string>>): Promise<void> {
    try {
      await store.call('recordValues', { runId, values });
    } catch (error) {
      logError(`Could not record the sweep's values as params of run ${runId}`, error);
    }
  }

  /** The queue went idle: end the parent run, and open the dashboard on the sweep's runs when every point ran. */
  private async ended(live: LiveSweep): Promise<void> {
    if (this.isDisposed) return;
    const { record, queue, store } = live;
    const progress = queue.progress();
    if (progress.queued > 0 || progress.running > 0) return;
    // The points' last changes first: the parent run ends with the progress they make.
    await live.saved;
    try {
      await store.call('end', { sweepId: record.sweepId, status: progress.failed + progress.stopped === 0 ? 'FINISHED' : progress.stopped > 0 ? 'KILLED' : 'FAILED' });
    } catch (error) {
      logError(`Could not end the parent run of sweep ${record.sweepId}`, error);
    }
    this.changed.fire();
    if (progress.stopped > 0) return;
    const state = await this.dashboardState(live);
    if (state) void vscode.commands.executeCommand(CommandId.OpenExperimentDashboard, state);
    if (progress.failed > 0) {
      const retry = 'Retry Failed';
      void vscode.window
        .showWarningMessage(`RunLens: ${progress.failed} of ${progress.total} runs of the sweep failed.`, retry)
        .then((choice) => (choice === retry ? this.retryFailed(record.sweepId) : undefined));
    }
  }

  /** The experiment dashboard on the sweep's runs: parallel coordinates of the varied values against the sweep's metric. */
  private async dashboardState(live: LiveSweep): Promise<ExperimentDashboardState | undefined> {
    const { record, queue, store } = live;
    const runIds = queue.pointStates().flatMap((state) => (state.runId ? [state.runId] : []));
    if (runIds.length === 0) return undefined;
    const runs = (await Promise.all(runIds.map((runId) => store.access.call('getRun', { runId }).catch(() => undefined)))).filter((run): run is Run => run !== undefined);
    const metric = record.spec.metric?.name ?? (await this.chooseMetric([...new Set(runs.flatMap((run) => (run.data.metrics ?? []).map((m) => m.key)))].sort()));
    // Axes for what the sweep varied: a value all points share says nothing.
    const points = queue.pointStates().map((state) => state.point.values);
    const varied = Object.keys(points[0] ?? {}).filter((key) => new Set(points.map((values) => values[key])).size > 1);
    const keys: FieldRef[] = [...varied.map((key): FieldRef => ({ kind: 'param', key })), ...(metric ? [{ kind: 'metric', key: metric } as const] : [])];
    const goal = record.spec.metric?.goal;
    return {
      kind: 'experiment',
      experimentId: runs[0]?.info.experiment_id ?? '0',
      tab: 'parallel',
      filter: `tags.\`${SweepTag.SweepId}\` = '${record.sweepId}'`,
      selectedRunIds: runIds,
      ...(keys.length >= 2
        ? { parallel: { keys, ...(metric ? { color: { kind: 'metric', key: metric } } : {}), ...(goal ? { direction: goal === 'minimize' ? 'lower' : 'higher' } : {}) } }
        : {}),
    };
  }

  private async chooseMetric(keys: readonly string[]): Promise<string | undefined> {
    if (keys.length <= 1) return keys[0];
    return vscode.window.showQuickPick([...keys], { title: 'The sweep ended: compare its runs on which metric?', ignoreFocusOut: true });
  }

  private async storeFor(script: vscode.Uri): Promise<SweepStore> {
    const opened = await (this.sessions.forUri(script) ?? this.sessions.primary()).session();
    const store = sweepStoreOf(opened);
    if (!store) throw new Error("the RunLens process that keeps this workspace's runs has not published its server yet; try again in a moment");
    return store;
  }

  override dispose(): void {
    // The queues stay in the store as they are: the next window resumes them.
    this.live.clear();
    super.dispose();
  }
}

/** The store a session keeps sweeps in; undefined for a guest whose owner has not published its server. */
function sweepStoreOf(opened: Session): SweepStore | undefined {
  const call = sweepCallOf(opened);
  return call && opened.access && { call, access: opened.access };
}

function unlessNotFound(error: unknown): undefined {
  if ((error as { status?: unknown }).status === 404) return undefined;
  throw error;
}

/** What the store keeps of a point's state (its values are in the sweep's spec). */
function pointProgress(state: PointState): PointProgress {
  return { index: state.index, status: state.status, attempts: state.attempts, ...(state.runId ? { runId: state.runId } : {}) };
}
