import path from 'node:path';
import * as vscode from 'vscode';
import type { CaptureRecord } from '../../capture/captureRecord';
import { fingerprintPaths } from '../../capture/dataFingerprint';
import { captureLaunch, type LaunchCapture } from '../../capture/launchCapture';
import { freezePackages } from '../../capture/packageFreeze';
import type { LaunchService } from '../../core/launches/launchService';
import { LaunchArtifact } from '../../core/launches/launchTags';
import { newLaunchId } from '../../core/launches/launchToken';
import { SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import type { TrackingSession } from '../trackingSession';
import { captureArtifacts } from './captureArtifacts';
import { chooseInterpreter } from './interpreterChoice';
import { launchEnvironment } from './launchEnvironment';
import { RunningLaunch, type LaunchReport } from './runningLaunch';

/** What to launch: a Python script, its arguments, and the paths among them to fingerprint as data. */
export interface LaunchRequest {
  readonly script: vscode.Uri;
  readonly args: readonly string[];
  readonly dataPaths?: readonly string[];
}

/** What the extension's API tells tests and other extensions about launches. */
export interface LaunchApi {
  /** The launch's outcome once it ended and its runs have their final output log; undefined for an unknown id. */
  whenEnded(launchId: string): Promise<LaunchReport> | undefined;
  /** The process id of a launch still running. */
  pidOf(launchId: string): number | undefined;
}

const keptEndings = 100;

/** Where a script runs from: its workspace folder (as the Python extension runs files), else its own folder. */
export function launchFolders(script: vscode.Uri): { workspaceRoot: string; cwd: string } {
  const folder = vscode.workspace.getWorkspaceFolder(script)?.uri.fsPath ?? path.dirname(script.fsPath);
  return { workspaceRoot: folder, cwd: folder };
}

/**
 * Launches scripts as tracked runs and keeps the live ones: capture, launch record and token,
 * process in a terminal, package listing in the background, and the end of each. Launching needs
 * this window to own the store: the runs are tied to the launch by the store's own server.
 */
export class LaunchController extends Disposable implements LaunchApi {
  private readonly live = new Map<string, RunningLaunch>();
  private readonly endings = new Map<string, Promise<LaunchReport>>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private readonly endedEmitter = this.register(new vscode.EventEmitter<LaunchReport>());
  /** Fires when a launch starts or ends, or learns its run's name. */
  readonly onDidChange = this.changed.event;
  /** Fires when a launch has ended and its runs are complete. */
  readonly onDidEnd = this.endedEmitter.event;
  private readonly freezes = new AbortController();

  constructor(
    private readonly session: TrackingSession,
    private readonly extensionUri: vscode.Uri,
    private readonly runlensVersion: string,
  ) {
    super();
  }

  running(): RunningLaunch[] {
    return [...this.live.values()];
  }

  /** A running launch by its id, or by the id of a run it created. */
  async find(id: string): Promise<RunningLaunch | undefined> {
    const direct = this.live.get(id);
    if (direct) return direct;
    const opened = await this.session.openedSession();
    const launchId = opened?.kind === 'owner' ? opened.launches.launchOfRun(id) : undefined;
    return launchId === undefined ? undefined : this.live.get(launchId);
  }

  whenEnded(launchId: string): Promise<LaunchReport> | undefined {
    return this.endings.get(launchId);
  }

  pidOf(launchId: string): number | undefined {
    return this.live.get(launchId)?.pid;
  }

  async launch(request: LaunchRequest): Promise<RunningLaunch> {
    const opened = await this.session.session();
    if (opened.kind === 'guest') {
      throw new Error(
        `this workspace's runs are kept by another RunLens process (pid ${opened.ownerPid}); launch from the window that owns them, or close it`,
      );
    }
    const { launches, endpoint } = opened;
    const script = request.script;
    const { cwd } = launchFolders(script);
    const experiment = vscode.workspace.getConfiguration(SettingSection, script).get<string>(SettingKey.DefaultExperiment)?.trim() || 'Default';
    const interpreter = await chooseInterpreter(script);
    const launchId = newLaunchId();
    const { record, files } = captureArtifacts(await this.capture(launchId, request, interpreter.path));
    const { token } = launches.open({ launchId, capture: record, files: { ...files, [LaunchArtifact.OutputLog]: '' } });
    const env = launchEnvironment(process.env, {
      trackingUri: endpoint.url,
      token,
      helperPath: vscode.Uri.joinPath(this.extensionUri, 'dist', 'python').fsPath,
      experiment,
    });

    let running: RunningLaunch;
    try {
      running = new RunningLaunch({
        launchId,
        label: vscode.workspace.asRelativePath(script, false),
        launches,
        command: { executable: interpreter.path, args: [script.fsPath, ...request.args], cwd, env },
        fallbackExperiment: experiment,
      });
    } catch (error) {
      void launches
        .end(launchId, { kind: 'notStarted', reason: (error as Error).message })
        .then(() => launches.release(launchId))
        .catch(() => undefined);
      throw error;
    }
    this.live.set(launchId, running);
    // The launch's own emitter goes with it when it ends, and this listener with it.
    running.onDidChange(() => this.changed.fire());
    const ended = running.ended.then(
      (report) => this.ended(running, report),
      (error: Error) => this.failedToEnd(running, error),
    );
    this.endings.set(launchId, ended);
    // Enough to follow any launch of this session to its end, without growing for ever.
    if (this.endings.size > keptEndings) this.endings.delete(this.endings.keys().next().value!);
    const environment = this.recordEnvironment(launches, record, interpreter.path, { env, cwd });
    void Promise.allSettled([ended, environment]).then(() => launches.release(launchId).catch(() => undefined));
    running.show();
    this.changed.fire();
    return running;
  }

  private ended(running: RunningLaunch, report: LaunchReport): LaunchReport {
    this.live.delete(running.launchId);
    running.dispose();
    this.changed.fire();
    this.endedEmitter.fire(report);
    return report;
  }

  /** Git state, script, interpreter, host and data, before anything runs; plus the argument paths chosen as data. */
  private async capture(launchId: string, request: LaunchRequest, interpreterPath: string): Promise<LaunchCapture> {
    const { workspaceRoot, cwd } = launchFolders(request.script);
    const captured = await captureLaunch({
      launchId,
      workspaceRoot,
      cwd,
      interpreterPath,
      script: request.script.fsPath,
      args: request.args,
      runlensVersion: this.runlensVersion,
      dataGlobs: vscode.workspace.getConfiguration(SettingSection, request.script).get<string[]>(SettingKey.DataPaths) ?? [],
      gitPath: gitPathSetting(),
    });
    return withArgumentData(captured, workspaceRoot, request.dataPaths ?? []);
  }

  /** The store could not take the end (it is closing with VS Code, or a write failed): the launch is gone all the same. */
  private failedToEnd(running: RunningLaunch, error: Error): never {
    this.live.delete(running.launchId);
    running.dispose();
    this.changed.fire();
    if (!this.isDisposed) void vscode.window.showErrorMessage(`RunLens could not record the end of ${running.label}: ${error.message}`);
    throw error;
  }

  /** The package listing, in the background: its hash becomes a tag and its text an artifact of every run. */
  private async recordEnvironment(
    launches: LaunchService,
    record: CaptureRecord,
    interpreter: string,
    where: { env: NodeJS.ProcessEnv; cwd: string },
  ): Promise<void> {
    const result = await freezePackages(interpreter, { ...where, signal: this.freezes.signal });
    if (this.isDisposed) return;
    if ('error' in result) {
      launches.updateCapture(record.launchId, { ...record, environment: { error: result.error } });
      return;
    }
    const { sha256, packageCount, source } = result;
    launches.updateCapture(record.launchId, { ...record, environment: { sha256, packageCount, source } });
    await launches.addFile(record.launchId, LaunchArtifact.Requirements, result.text);
  }

  override dispose(): void {
    this.freezes.abort();
    for (const launch of this.live.values()) launch.abandon();
    this.live.clear();
    super.dispose();
  }
}

/** The capture, plus fingerprints of the argument paths the person chose to record as data. */
async function withArgumentData(capture: LaunchCapture, workspaceRoot: string, dataPaths: readonly string[]): Promise<LaunchCapture> {
  const known = new Set(capture.record.data.fingerprints.map((fingerprint) => fingerprint.path));
  const fresh = dataPaths.filter((dataPath) => !known.has(dataPath));
  if (fresh.length === 0) return capture;
  const added = await fingerprintPaths(workspaceRoot, fresh);
  const { data } = capture.record;
  return {
    ...capture,
    record: {
      ...capture.record,
      data: { fingerprints: [...data.fingerprints, ...added.fingerprints], problems: [...data.problems, ...added.problems] },
    },
  };
}

/** VS Code's `git.path` setting: a path, a list of candidates (the first is taken), or unset. */
function gitPathSetting(): string | undefined {
  const setting = vscode.workspace.getConfiguration('git').get<string | string[] | null>('path');
  const first = Array.isArray(setting) ? setting[0] : setting;
  return typeof first === 'string' && first.trim() ? first.trim() : undefined;
}
