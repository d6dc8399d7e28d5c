import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { FieldRef } from '../../protocol/dashboards/shapes';
import type { ExperimentDashboardState } from '../../protocol/dashboards/state';
import type { WorkspaceStore } from '../../core/store/workspaceStore';
import { describeProgress, progressOf, SweepQueue, type PointState, type StartedPoint } from '../../core/sweeps/sweepQueue';
import {
  activeSweeps,
  insertSweep,
  savePoint,
  setSweepState,
  sweepById,
  sweepOfParentRun,
  sweepPoints,
  type SweepRecord,
} from '../../core/sweeps/sweepRecords';
import { expandSweep, type SweepSpec } from '../../core/sweeps/sweepSpec';
import { SweepTag } from '../../core/sweeps/sweepTags';
import { CommandId, SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import type { LaunchController } from '../launch/launchController';
import { logError } from '../runLensLog';
import type { WorkspaceSessions } from '../workspaceSessions';

/** A sweep this window runs: its record, its queue, and the store both live in. */
interface LiveSweep {
  readonly record: SweepRecord;
  readonly queue: SweepQueue;
  readonly store: WorkspaceStore;
  /** Resolves when the queue is idle again (ended, or stopped). */
  done: Promise<void>;
}

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
 */
export class SweepController extends Disposable implements SweepApi {
  private readonly live = new Map<string, LiveSweep>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when a point of any sweep changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly launches: LaunchController,
  ) {
    super();
  }

  /** Creates the sweep (parent run, records) and starts its queue. */
  async start(script: vscode.Uri, spec: SweepSpec): Promise<SweepStarted> {
    const store = await this.ownedStoreFor(script);
    const points = expandSweep(spec);
    const experimentName =
      spec.experiment ?? (vscode.workspace.getConfiguration(SettingSection, script).get<string>(SettingKey.DefaultExperiment)?.trim() || 'Default');
    const experimentId = store.tracking.getExperimentByName(experimentName)?.experiment_id ?? store.tracking.createExperiment({ name: experimentName });
    const sweepId = randomUUID().replaceAll('-', '');
    const concurrency =
      spec.concurrency ?? vscode.workspace.getConfiguration(SettingSection, script).get<number>(SettingKey.SweepConcurrency, 1);
    const states = SweepQueue.queued(points);
    const parent = store.tracking.createRun({
      experimentId,
      runName: spec.name ?? `sweep ${path.basename(script.fsPath)} (${points.length} runs)`,
      tags: [
        { key: SweepTag.Progress, value: describeProgress(progressOf(states)) },
        { key: 'mlflow.source.name', value: vscode.workspace.asRelativePath(script, false) },
      ],
    });
    const record: SweepRecord = {
      sweepId,
      parentRunId: parent.info.run_id,
      script: script.fsPath,
      spec,
      concurrency: Math.max(1, Math.floor(concurrency)),
      state: 'active',
      createdTime: Date.now(),
    };
    insertSweep(store.db, record, states);
    this.run(record, states, store);
    return { sweepId, parentRunId: record.parentRunId, points: points.length };
  }

  /** Resumes the sweeps a window left (reloaded, closed): queued points run; points that were running are failed, ready for Retry failed. */
  async resume(): Promise<number> {
    let resumed = 0;
    for (const session of this.sessions.all()) {
      const opened = await session.openedSession();
      if (opened?.kind !== 'owner') continue;
      for (const record of activeSweeps(opened.store.db)) {
        if (this.live.has(record.sweepId)) continue;
        const states = sweepPoints(opened.store.db, record.sweepId).map((state) =>
          state.status === 'running' ? { ...state, status: 'failed' as const } : state,
        );
        for (const state of states) savePoint(opened.store.db, record.sweepId, state);
        this.run(record, states, opened.store);
        resumed++;
      }
    }
    return resumed;
  }

  /** Whether a run is a sweep's parent run this window knows, and that sweep's id. */
  async sweepOfRun(runId: string): Promise<string | undefined> {
    for (const live of this.live.values()) if (live.record.parentRunId === runId) return live.record.sweepId;
    for (const session of this.sessions.all()) {
      const opened = await session.openedSession();
      if (opened?.kind === 'owner') {
        const record = sweepOfParentRun(opened.store.db, runId);
        if (record) return record.sweepId;
      }
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
        const record = opened?.kind === 'owner' ? sweepById(opened.store.db, sweepId) : undefined;
        if (opened?.kind === 'owner' && record) {
          setSweepState(opened.store.db, sweepId, 'active');
          live = this.run({ ...record, state: 'active' }, sweepPoints(opened.store.db, sweepId), opened.store, { startNow: false });
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

  private run(record: SweepRecord, states: readonly PointState[], store: WorkspaceStore, options = { startNow: true }): LiveSweep {
    const queue = new SweepQueue(states, {
      concurrency: record.concurrency,
      start: (state) => this.startPoint(record, state, store),
      onChange: (state, progress) => {
        // A window going away abandons its launches: the store keeps the queue as it was, for the next window.
        if (this.isDisposed) return;
        try {
          savePoint(store.db, record.sweepId, state);
          store.tracking.setTag(record.parentRunId, SweepTag.Progress, describeProgress(progress));
        } catch (error) {
          logError(`Could not record the progress of sweep ${record.sweepId}`, error);
        }
        this.changed.fire();
      },
    });
    const live: LiveSweep = { record, queue, store, done: Promise.resolve() };
    this.live.set(record.sweepId, live);
    if (options.startNow) live.done = queue.run().then(() => this.ended(live));
    return live;
  }

  /** The one place a sweep point is launched: a normal launch, with the point's arguments, variables and the sweep's tags. */
  private async startPoint(record: SweepRecord, state: PointState, store: WorkspaceStore): Promise<StartedPoint | undefined> {
    if (this.isDisposed) return new Promise(() => undefined);
    const launch = await this.launches.launch({
      script: vscode.Uri.file(record.script),
      args: state.point.args,
      env: state.point.env,
      target: { kind: 'workspace' },
      sweep: { sweepId: record.sweepId, parentRunId: record.parentRunId, values: state.point.values },
    });
    if (!launch) return undefined;
    const ended = this.launches.whenEnded(launch.launchId);
    if (!ended) throw new Error('the launch of the point could not be followed');
    return {
      stop: () => launch.stop('Stopped with RunLens: Stop Sweep.'),
      ended: ended.then((report) => {
        const run = report.ended.runs[0];
        if (run) this.recordValuesAsParams(store, run.info.run_id, state.point.values);
        return { ok: report.ended.status === 'FINISHED', ...(run ? { runId: run.info.run_id } : {}) };
      }),
    };
  }

  /**
   * The varied values as params of the run, where the script did not log them itself: the
   * dashboard's axes. Logged after the script ended, so they never clash with its own log_param.
   */
  private recordValuesAsParams(store: WorkspaceStore, runId: string, values: Readonly<Record<string, string>>): void {
    try {
      const logged = new Set((store.tracking.getRun(runId).data.params ?? []).map((param) => param.key));
      for (const [key, value] of Object.entries(values)) if (!logged.has(key)) store.tracking.logParam(runId, key, value);
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
    try {
      setSweepState(store.db, record.sweepId, 'ended');
      store.tracking.updateRun(record.parentRunId, { status: progress.failed + progress.stopped === 0 ? 'FINISHED' : progress.stopped > 0 ? 'KILLED' : 'FAILED', endTime: Date.now() });
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
    const runs = runIds.flatMap((runId) => {
      try {
        return [store.tracking.getRun(runId)];
      } catch {
        return [];
      }
    });
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

  private async ownedStoreFor(script: vscode.Uri): Promise<WorkspaceStore> {
    const opened = await (this.sessions.forUri(script) ?? this.sessions.primary()).session();
    if (opened.kind === 'guest') {
      throw new Error(`this workspace's runs are kept by another RunLens process (pid ${opened.ownerPid}); run the sweep from the window that owns them`);
    }
    return opened.store;
  }

  override dispose(): void {
    // The queues stay in the store as they are: the next window resumes them.
    this.live.clear();
    super.dispose();
  }
}
