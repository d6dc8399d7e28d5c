import path from 'node:path';
import * as vscode from 'vscode';
import type { CaptureRecord } from '../../capture/captureRecord';
import { resolveExecutable } from '../../capture/executablePath';
import { captureLaunch, type LaunchCapture } from '../../capture/launchCapture';
import { recordPackages } from '../../capture/packageListing';
import type { LaunchRecorder } from '../../core/launches/launchRecorder';
import { LaunchArtifact } from '../../core/launches/launchTags';
import { newLaunchId } from '../../core/launches/launchToken';
import type { LaunchService } from '../../core/launches/launchService';
import { RemoteLaunch } from '../../remote/launches/remoteLaunch';
import { supervisedFolder } from '../../core/launches/supervisorFiles';
import { describeRemoteFailure } from '../../remote/browse/remoteBrowser';
import { CommandId, SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import { SupervisedProcess } from '../../supervisor/supervisedProcess';
import type { RemoteServerEntry, RemoteServerRegistry } from '../remote/remoteServerRegistry';
import type { OwnerEndpoint } from '../ownerClient';
import type { WorkspaceSessions } from '../workspaceSessions';
import { captureArtifacts } from '../../capture/captureArtifacts';
import { FinishedTerminals } from './finishedTerminals';
import { chooseInterpreter } from './interpreterChoice';
import { launchEnvironment } from '../../core/launches/launchEnvironment';
import { launchOfRunAtOwner, OwnerLaunch } from './ownerLaunch';
import { imprintOfCapture } from '../../capture/captureImprint';
import { configuredLaunchTarget, describeServer, type LaunchTarget } from './launchTarget';
import { RunningLaunch, type LaunchReport } from './runningLaunch';
import { experimentNamedIn } from '../../core/launches/scriptExperiment';
import { logError } from '../runLensLog';

/** What to launch: a Python script, its arguments, and the paths among them to fingerprint as data. */
export interface LaunchRequest {
  readonly script: vscode.Uri;
  readonly args: readonly string[];
  readonly dataPaths?: readonly string[];
  /** Where its runs go; `runlens.launchTarget` decides when absent. */
  readonly target?: LaunchTarget;
  /** The interpreter to run it with (a reproduction takes the run's); chosen as usual when absent. */
  readonly interpreter?: string;
  /** The run this launch reproduces: its runs get the tag `runlens.reproduces`. */
  readonly reproduces?: string;
  /** The sweep point this launch runs: its runs get the sweep's tags (and nest under its parent run). */
  readonly sweep?: CaptureRecord['sweep'];
  /** Variables set for the script on top of VS Code's environment (a sweep point's). */
  readonly env?: Readonly<Record<string, string>>;
  /** The experiment of runs the script does not place itself (a sweep's); `runlens.defaultExperiment` when absent. */
  readonly experiment?: string;
}

/** What the extension's API tells tests and other extensions about launches. */
export interface LaunchApi {
  /** The launch's outcome once it ended and its runs have their final output log; undefined for an unknown id. */
  whenEnded(launchId: string): Promise<LaunchReport> | undefined;
  /** The process id of a launch still running. */
  pidOf(launchId: string): number | undefined;
}

const keptEndings = 100;
const remotePublishIntervalMs = 30_000;
const launchToWorkspace = 'Launch to Workspace Instead';
const chooseTarget = 'Choose Where Launches Log…';

/** Where a script runs from: its workspace folder (as the Python extension runs files), else its own folder. */
export function launchFolders(script: vscode.Uri): { workspaceRoot: string; cwd: string } {
  const folder = vscode.workspace.getWorkspaceFolder(script)?.uri.fsPath ?? path.dirname(script.fsPath);
  return { workspaceRoot: folder, cwd: folder };
}

/**
 * Launches scripts as tracked runs and keeps the live ones: capture, launch record and token,
 * process in a terminal, package listing in the background, and the end of each. The runs are tied
 * to the launch by the store's own server: this window's, or in a guest window the owner process's,
 * which keeps the launch's record for it (OwnerLaunch) while this window runs the process. A launch
 * to a remote server (RemoteLaunch) is this window's to send there, in a guest window too; only its
 * record is kept in the store.
 */
export class LaunchController extends Disposable implements LaunchApi {
  private readonly live = new Map<string, RunningLaunch>();
  /** Launches whose records this window still writes: running, ending, or adding their package listing. */
  private readonly unfinished = new Map<string, Promise<void>>();
  private readonly endings = new Map<string, Promise<LaunchReport>>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private readonly endedEmitter = this.register(new vscode.EventEmitter<LaunchReport>());
  /** Fires when a launch starts or ends, or learns its run's name. */
  readonly onDidChange = this.changed.event;
  /** Fires when a launch has ended and its runs are complete. */
  readonly onDidEnd = this.endedEmitter.event;
  private readonly freezes = new AbortController();
  private readonly finishedTerminals = new FinishedTerminals();
  /** The take-back under way (pending launch results and the sweeps both ask): the next waits for it. */
  private takingBack: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly extensionUri: vscode.Uri,
    private readonly runlensVersion: string,
    private readonly remoteServers: RemoteServerRegistry,
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
    if (this.live.size === 0) return undefined;
    for (const session of this.sessions.all()) {
      const opened = await session.openedSession();
      const launchId = opened?.kind === 'owner' ? opened.launches.launchOfRun(id) : opened?.endpoint && (await launchOfRunAtOwner(opened.endpoint, id));
      if (launchId !== undefined) return this.live.get(launchId);
    }
    return undefined;
  }

  /** Whether this window still writes the launch's record and files (its end is its own to send until then). */
  isUnfinished(launchId: string): boolean {
    return this.unfinished.has(launchId);
  }

  /** Resolves once this window is done with the launch (at once for a launch it is not running). */
  async finished(launchId: string): Promise<void> {
    await this.unfinished.get(launchId);
  }

  whenEnded(launchId: string): Promise<LaunchReport> | undefined {
    return this.endings.get(launchId);
  }

  pidOf(launchId: string): number | undefined {
    return this.live.get(launchId)?.pid;
  }

  /**
   * Captures and starts the script. Undefined when nothing was launched because its remote server
   * could not take the run and the person chose not to launch to the workspace instead.
   */
  async launch(request: LaunchRequest): Promise<RunningLaunch | undefined> {
    // Each workspace folder keeps its own runs: the script's folder takes them.
    const session = this.sessions.forUri(request.script) ?? this.sessions.primary();
    const opened = await session.session();
    const script = request.script;
    const target = request.target ?? configuredLaunchTarget(this.remoteServers.servers(), script);
    const endpoint = opened.endpoint;
    if (!endpoint) throw new Error("the RunLens process that keeps this workspace's runs has not published its server yet; try again in a moment");
    const { cwd } = launchFolders(script);
    const experiment =
      request.experiment ?? (vscode.workspace.getConfiguration(SettingSection, script).get<string>(SettingKey.DefaultExperiment)?.trim() || 'Default');
    const chosen = request.interpreter ? { path: request.interpreter } : await chooseInterpreter(script);
    // The launch's PATH is this process's (launchEnvironment adds only PYTHONPATH and MLflow's variables).
    const interpreter = { ...chosen, path: (await resolveExecutable(chosen.path, process.env, cwd)) ?? chosen.path };
    const launchId = newLaunchId();
    const capture = await this.capture(launchId, request, interpreter.path);
    const { record, files } = captureArtifacts(capture);
    const launchFiles = { ...files, [LaunchArtifact.OutputLog]: '' };
    const helperPath = vscode.Uri.joinPath(this.extensionUri, 'dist', 'python').fsPath;

    // A sweep point's variables, under RunLens's own: they cannot send the runs elsewhere.
    const baseEnv = { ...process.env, ...request.env };
    let recorder: LaunchRecorder;
    let env: NodeJS.ProcessEnv;
    let remote: RemoteLaunch | undefined;
    if (target.kind === 'remote') {
      // This window talks to the server; the store keeps the launch's record: here, or at the owner in a guest window.
      const launches = opened.kind === 'owner' ? opened.launches : new OwnerLaunch(endpoint, session.storeDir!, launchId);
      const scriptExperiment = capture.fileContent === undefined ? undefined : experimentNamedIn(capture.fileContent.toString('utf8'));
      const server = await this.remoteServers.connection(target.server.url);
      try {
        remote = await RemoteLaunch.start({
          launches,
          launchId,
          capture: record,
          files: launchFiles,
          imprintOf: imprintOfCapture,
          server: { ...server, name: target.server.name },
          experiment: { name: scriptExperiment ?? (experiment === 'Default' ? undefined : experiment) },
          scriptPath: script.fsPath,
        });
      } catch (error) {
        return this.offerWorkspace(request, target.server, error);
      }
      recorder = remote;
      env = launchEnvironment(baseEnv, {
        trackingUri: remote.remote.url,
        token: server.token,
        basicAuth: server.username === undefined ? undefined : { username: server.username, password: server.password ?? '' },
        helperPath,
        run: { runId: remote.remote.runId, experimentId: remote.remote.experimentId },
        runTags: Object.fromEntries(imprintOfCapture(record).tags.map((tag) => [tag.key, tag.value])),
      });
    } else if (opened.kind === 'owner') {
      recorder = opened.launches;
      const { token } = opened.launches.open({ launchId, capture: record, files: launchFiles });
      env = launchEnvironment(baseEnv, { trackingUri: endpoint.url, token, helperPath, experiment });
    } else {
      // A guest's launch is recorded by the owner, whose server the script logs to with the token it hands out.
      const launch = await OwnerLaunch.open(endpoint, session.storeDir!, { launchId, capture: record, files: launchFiles });
      recorder = launch;
      env = launchEnvironment(baseEnv, { trackingUri: endpoint.url, token: launch.token, helperPath, experiment });
    }

    this.finishedTerminals.closeFor(script);
    let running: RunningLaunch;
    try {
      running = await RunningLaunch.start({
        launchId,
        label: vscode.workspace.asRelativePath(script, false),
        launches: recorder,
        command: { executable: interpreter.path, args: [script.fsPath, ...request.args], cwd, env },
        supervisor: this.supervisorOf(session.storeDir!),
        fallbackExperiment: experiment,
        ...(remote
          ? {
              banner: `RunLens: the runs go to ${describeServer(remote.remote)}, starting with run ${remote.run.info.run_name}`,
              logsTo: remote.remote.server,
              // Each copy sends the whole log over the network: less often than into the store.
              publishIntervalMs: remotePublishIntervalMs,
            }
          : { trackingPort: Number(new URL(endpoint.url).port) }),
      });
    } catch (error) {
      void recorder
        .end(launchId, { kind: 'notStarted', reason: (error as Error).message })
        .then(() => recorder.release(launchId))
        .catch(() => undefined);
      throw error;
    }
    const environment = recordPackages(recorder, record, interpreter.path, { env, cwd, signal: this.freezes.signal });
    this.follow(running, recorder, script, environment, remote);
    running.show();
    return running;
  }

  /**
   * Takes over the scripts a previous window launched into this store that still run under their
   * supervisor (the window reloaded, or its extension host crashed): their terminal, status bar
   * and Stop work here, and this window records their end. Returns the launches it took over.
   */
  reattach(storeDir: string, launches: LaunchService, launchIds: readonly string[]): string[] {
    const taken: string[] = [];
    for (const launchId of launchIds) {
      const row = launches.get(launchId);
      // A remote launch's end goes to its server: the pending results take it when its process is gone.
      if (!row || row.remote_json !== null) continue;
      if (this.reattachOne(storeDir, launchId, JSON.parse(row.capture_json), launches)) taken.push(launchId);
    }
    return taken;
  }

  /**
   * In a guest window that came back (reloaded, or its extension host restarted): takes back from
   * the owner the launches a previous extension host started that still run, as `reattach` does.
   * The owner records their end when this window tells it; those that ended meanwhile it ended
   * itself. Returns the launches this window took back, how many the owner ended (naming those to
   * a remote server, whose end this window sends), and how many to a remote server still run.
   */
  takeBack(
    storeDir: string,
    endpoint: OwnerEndpoint,
  ): Promise<{ readonly taken: string[]; readonly ended: number; readonly remoteEnded: readonly string[]; readonly remoteRunning: number }> {
    // One at a time: a caller that asks while another's answer is on its way finds that one's launches followed when it resumes.
    const next = this.takingBack.catch(() => undefined).then(async () => {
      const { taken, ...rest } = await OwnerLaunch.takeBack(endpoint, storeDir);
      const followed = taken.filter(({ recorder, capture }) => this.reattachOne(storeDir, recorder.launchId, capture, recorder)).map(({ recorder }) => recorder.launchId);
      return { taken: followed, ...rest };
    });
    this.takingBack = next;
    return next;
  }

  /** Follows a launch still running under its supervisor; false when this window has it already or its supervisor is gone. */
  private reattachOne(storeDir: string, launchId: string, capture: unknown, recorder: LaunchRecorder): boolean {
    const process = SupervisedProcess.attach(this.supervisorOf(storeDir).supervisedDir, launchId);
    if (this.live.has(launchId) || !process) return false;
    const script = vscode.Uri.file((capture as Partial<CaptureRecord> | null)?.command?.script ?? storeDir);
    const experiment = vscode.workspace.getConfiguration(SettingSection, script).get<string>(SettingKey.DefaultExperiment)?.trim() || 'Default';
    const running = RunningLaunch.reattach(
      { launchId, label: vscode.workspace.asRelativePath(script, false), launches: recorder, supervisor: this.supervisorOf(storeDir), fallbackExperiment: experiment },
      process,
    );
    this.follow(running, recorder, script, Promise.resolve());
    return true;
  }

  /** Keeps a running launch until it ends, then lets go of its files once its package listing is in too. */
  private follow(running: RunningLaunch, recorder: LaunchRecorder, script: vscode.Uri, environment: Promise<void>, remote?: RemoteLaunch): void {
    const launchId = running.launchId;
    this.live.set(launchId, running);
    // The launch's own emitter goes with it when it ends, and this listener with it.
    running.onDidChange(() => this.changed.fire());
    const ended = running.ended.then(
      (report) => {
        this.finishedTerminals.add(script, running);
        return this.ended(running, report, remote);
      },
      (error: Error) => this.failedToEnd(running, error),
    );
    this.endings.set(launchId, ended);
    // Enough to follow any launch of this session to its end, without growing for ever.
    if (this.endings.size > keptEndings) this.endings.delete(this.endings.keys().next().value!);
    const finished = Promise.allSettled([ended, environment])
      .then(() => recorder.release(launchId).catch(() => undefined))
      .finally(() => {
        this.unfinished.delete(launchId);
        this.changed.fire();
      });
    this.unfinished.set(launchId, finished);
    this.changed.fire();
  }

  private supervisorOf(storeDir: string): { entryScript: string; supervisedDir: string } {
    return { entryScript: vscode.Uri.joinPath(this.extensionUri, 'dist', 'supervisor.js').fsPath, supervisedDir: path.join(storeDir, supervisedFolder) };
  }

  private ended(running: RunningLaunch, report: LaunchReport, remote?: RemoteLaunch): LaunchReport {
    this.live.delete(running.launchId);
    running.dispose();
    // The server's runs as they are now; an end that did not reach it is PendingLaunchResults' to send.
    if (remote) void vscode.commands.executeCommand(CommandId.RefreshRemoteServer);
    this.changed.fire();
    this.endedEmitter.fire(report);
    return report;
  }

  /** The remote server could not take the run: say so, and launch to the workspace only if the person asks. */
  private async offerWorkspace(request: LaunchRequest, server: RemoteServerEntry, error: unknown): Promise<RunningLaunch | undefined> {
    logError(`Could not start a run on ${server.url}`, error);
    const choice = await vscode.window.showErrorMessage(
      `RunLens could not start the run on ${server.name} (${server.url}): ${describeRemoteFailure(error)}. Nothing was launched.`,
      launchToWorkspace,
      chooseTarget,
    );
    if (choice === launchToWorkspace) return this.launch({ ...request, target: { kind: 'workspace' } });
    if (choice === chooseTarget) void vscode.commands.executeCommand(CommandId.ChooseLaunchTarget);
    return undefined;
  }

  /** Git state, script, interpreter, host and data, before anything runs; plus the argument paths chosen as data. */
  private capture(launchId: string, request: LaunchRequest, interpreterPath: string): Promise<LaunchCapture> {
    const { workspaceRoot, cwd } = launchFolders(request.script);
    return captureLaunch({
      launchId,
      workspaceRoot,
      cwd,
      interpreterPath,
      script: request.script.fsPath,
      args: request.args,
      runlensVersion: this.runlensVersion,
      dataGlobs: vscode.workspace.getConfiguration(SettingSection, request.script).get<string[]>(SettingKey.DataPaths) ?? [],
      gitPath: gitPathSetting(),
      ...(request.dataPaths ? { dataPaths: request.dataPaths } : {}),
      ...(request.reproduces ? { reproduces: request.reproduces } : {}),
      ...(request.sweep ? { sweep: request.sweep } : {}),
    });
  }

  /** The store could not take the end (it is closing with VS Code, or a write failed): the launch is gone all the same. */
  private failedToEnd(running: RunningLaunch, error: Error): never {
    this.live.delete(running.launchId);
    running.dispose();
    this.changed.fire();
    if (!this.isDisposed) void vscode.window.showErrorMessage(`RunLens could not record the end of ${running.label}: ${error.message}`);
    throw error;
  }

  override dispose(): void {
    this.freezes.abort();
    for (const launch of this.live.values()) launch.leave();
    this.live.clear();
    super.dispose();
  }
}

/** VS Code's `git.path` setting: a path, a list of candidates (the first is taken), or unset. */
export function gitPathSetting(): string | undefined {
  const setting = vscode.workspace.getConfiguration('git').get<string | string[] | null>('path');
  const first = Array.isArray(setting) ? setting[0] : setting;
  return typeof first === 'string' && first.trim() ? first.trim() : undefined;
}
