import path from 'node:path';
import { captureArtifacts } from '../capture/captureArtifacts';
import type { CaptureRecord } from '../capture/captureRecord';
import { resolveExecutable } from '../capture/executablePath';
import { captureLaunch } from '../capture/launchCapture';
import { recordPackages } from '../capture/packageListing';
import { imprintOfCapture } from '../capture/captureImprint';
import { launchEnvironment } from '../core/launches/launchEnvironment';
import type { LaunchRecorder } from '../core/launches/launchRecorder';
import type { EndedLaunch, LaunchService } from '../core/launches/launchService';
import { LaunchArtifact } from '../core/launches/launchTags';
import { newLaunchId } from '../core/launches/launchToken';
import type { RemoteServer } from '../remote/client/remoteServer';
import { RemoteLaunch } from '../remote/launches/remoteLaunch';
import { launchEndingOf, LaunchedProcess } from '../supervisor/launchedProcess';
import { OutputLog } from '../supervisor/outputLog';

/**
 * Where the CLI's launches go: a store it opened itself and serves (the launch's token ties the runs
 * to it), or a server it does not own (a remote MLflow server, or the VS Code window or `runlens
 * serve` that owns the workspace's store), where each launch's run is made beforehand with the
 * capture, as the editor's remote launches are.
 */
export type LaunchDestination =
  | { readonly kind: 'store'; readonly trackingUrl: string }
  | { readonly kind: 'server'; readonly server: RemoteServer & { readonly name: string } };

export interface CapturedLauncher {
  /** The launch records and their files: the served store's, or, for a server, a scratch store's. */
  readonly launches: LaunchService;
  readonly destination: LaunchDestination;
  /** The workspace: the capture's root, and the folder scripts run in (as the editor runs them). */
  readonly workspaceRoot: string;
  /** The folder holding the bundled `runlens` Python module. */
  readonly helperPath: string;
  readonly runlensVersion: string;
  /** Everything the launches start in the background (package listings) stops writing once this aborts. */
  readonly signal: AbortSignal;
  /** Where the script's output goes besides its output log (the shell). */
  readonly echo: (chunk: Buffer) => void;
}

export interface CapturedLaunchRequest {
  readonly python: string;
  readonly script: string;
  readonly args: readonly string[];
  /** Variables set for the script on top of this process's environment (a sweep point's). */
  readonly env?: Readonly<Record<string, string>>;
  /** The experiment of runs the script does not place itself, and of the run made for a script that made none. */
  readonly experiment: string;
  readonly sweep?: CaptureRecord['sweep'];
}

/** A launched script the CLI follows: Stop, and its end once its runs have their files. */
export interface CapturedLaunch {
  readonly launchId: string;
  stop(reason: string): void;
  readonly ended: Promise<EndedLaunch>;
}

/** How often the growing output log is copied to the runs, as the editor does: a window on the store sees it live. */
const publishIntervalMs = 5000;

/**
 * Launches a script from the shell as the editor launches it: the same capture (git state, diff,
 * untracked files, interpreter, command, data), launch record and token, package listing and
 * output log (`runlens/output.log`), the same end for its runs. The process runs as a child of the
 * CLI (no supervisor: the CLI waits for it, and Ctrl+C stops it).
 */
export async function startCapturedLaunch(launcher: CapturedLauncher, request: CapturedLaunchRequest): Promise<CapturedLaunch> {
  const { launches, workspaceRoot } = launcher;
  const cwd = workspaceRoot;
  const script = path.resolve(cwd, request.script);
  const interpreter = (await resolveExecutable(request.python, process.env, cwd)) ?? request.python;
  const launchId = newLaunchId();
  const capture = await captureLaunch({
    launchId,
    workspaceRoot,
    cwd,
    interpreterPath: interpreter,
    script,
    args: request.args,
    runlensVersion: launcher.runlensVersion,
    ...(request.sweep ? { sweep: request.sweep } : {}),
  });
  const { record, files } = captureArtifacts(capture);
  const launchFiles = { ...files, [LaunchArtifact.OutputLog]: '' };
  const baseEnv = { ...process.env, ...request.env };
  const { destination } = launcher;
  let recorder: LaunchRecorder = launches;
  let env: NodeJS.ProcessEnv;
  if (destination.kind === 'server') {
    const { server } = destination;
    const remote = await RemoteLaunch.start({
      launches,
      launchId,
      capture: record,
      files: launchFiles,
      imprintOf: imprintOfCapture,
      server,
      experiment: request.experiment === 'Default' ? {} : { name: request.experiment },
      scriptPath: script,
    });
    recorder = remote;
    env = launchEnvironment(baseEnv, {
      trackingUri: remote.remote.url,
      token: server.token,
      basicAuth: server.username === undefined ? undefined : { username: server.username, password: server.password ?? '' },
      helperPath: launcher.helperPath,
      run: { runId: remote.remote.runId, experimentId: remote.remote.experimentId },
      runTags: Object.fromEntries(imprintOfCapture(record).tags.map((tag) => [tag.key, tag.value])),
    });
  } else {
    const { token } = launches.open({ launchId, capture: record, files: launchFiles });
    env = launchEnvironment(baseEnv, { trackingUri: destination.trackingUrl, token, helperPath: launcher.helperPath, experiment: request.experiment });
  }
  const log = new OutputLog(recorder.filePath(launchId, LaunchArtifact.OutputLog));
  const child = new LaunchedProcess({ executable: interpreter, args: [script, ...request.args], cwd, env }, (chunk) => {
    log.append(chunk);
    launcher.echo(chunk);
  });
  void child.started.then((pid) => recorder.setPid(launchId, pid)).catch(() => undefined);
  const packages = recordPackages(recorder, record, interpreter, { env, cwd, signal: launcher.signal }).catch(() => undefined);
  let publishing: Promise<void> = Promise.resolve();
  const publish = setInterval(() => {
    publishing = publishing.then(() => log.flush()).then(() => recorder.publishFile(launchId, LaunchArtifact.OutputLog));
  }, publishIntervalMs);
  const ended = child.ended.then(async (end) => {
    clearInterval(publish);
    await publishing.catch(() => undefined);
    await log.close().catch(() => undefined);
    const outcome = await recorder.end(launchId, launchEndingOf(end), { fallbackExperiment: request.experiment });
    // The listing may end after the script: its runs get it all the same, then the files go.
    await packages;
    await recorder.release(launchId);
    return outcome;
  });
  return { launchId, stop: (reason) => child.stop(reason), ended };
}
