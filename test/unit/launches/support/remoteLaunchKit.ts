import path from 'node:path';
import type { TestContext } from 'node:test';
import { captureLaunch } from '../../../../src/capture/launchCapture';
import type { EndedLaunch } from '../../../../src/core/launches/launchService';
import { LaunchArtifact } from '../../../../src/core/launches/launchTags';
import { newLaunchId } from '../../../../src/core/launches/launchToken';
import { RemoteLaunch, type RemoteLaunchOptions } from '../../../../src/remote/launches/remoteLaunch';
import type { RemoteServer } from '../../../../src/remote/client/remoteServer';
import { captureArtifacts } from '../../../../src/capture/captureArtifacts';
import { launchEndingOf, LaunchedProcess } from '../../../../src/supervisor/launchedProcess';
import { launchEnvironment } from '../../../../src/core/launches/launchEnvironment';
import { imprintOfCapture } from '../../../../src/capture/captureImprint';
import { OutputLog } from '../../../../src/supervisor/outputLog';
import { gitTestEnv } from '../../capture/captureTestKit';
import { openLaunchFixture, type LaunchFixture } from './launchFixture';
import { pythonHelperPath as helperPath } from '../../support/repoRoot';


export interface RemoteLaunchRequest {
  readonly repo: string;
  /** The script, relative to the repository. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly server: RemoteServer;
  readonly experiment?: RemoteLaunchOptions['experiment'];
  readonly endRequests?: RemoteLaunchOptions['endRequests'];
  /** Called once the process runs (to stop it, say). */
  readonly whileRunning?: (process: LaunchedProcess, output: () => string) => Promise<void>;
}

export interface RemoteLaunchResult {
  readonly fixture: LaunchFixture;
  readonly launch: RemoteLaunch;
  readonly ended: EndedLaunch;
  readonly output: string;
  /** The environment the script ran in. */
  readonly env: NodeJS.ProcessEnv;
}

export interface StartedRemoteLaunch {
  readonly fixture: LaunchFixture;
  readonly launch: RemoteLaunch;
  readonly process: LaunchedProcess;
  /** Resolves once the process ended and its output is in the launch's output log. */
  readonly logged: Promise<void>;
  output(): string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * What the launcher does for a launch to a remote server, outside VS Code: capture the repository,
 * make the run on the server, run the script with python3 in the launch's environment (its output
 * into the launch's output log), and end the launch with the process's outcome.
 */
export async function launchToRemote(t: TestContext, request: RemoteLaunchRequest, fixture?: LaunchFixture): Promise<RemoteLaunchResult> {
  const started = await startRemoteLaunch(t, request, fixture);
  const { launch, process: child, env } = started;
  await request.whileRunning?.(child, started.output);
  const end = await child.ended;
  await started.logged;
  const ended = await launch.end(launch.launchId, launchEndingOf(end));
  await launch.release(launch.launchId);
  return { fixture: started.fixture, launch, ended, output: started.output(), env };
}

/** The launch up to its running process; what becomes of its end is the caller's (a crash leaves it unended). */
export async function startRemoteLaunch(t: TestContext, request: RemoteLaunchRequest, fixture?: LaunchFixture): Promise<StartedRemoteLaunch> {
  const f = fixture ?? (await openLaunchFixture(t, { imprintOf: imprintOfCapture }));
  const launchId = newLaunchId();
  const script = path.join(request.repo, request.script);
  const args = request.args ?? [];
  const capture = await captureLaunch({
    launchId,
    workspaceRoot: request.repo,
    cwd: request.repo,
    interpreterPath: 'python3',
    script,
    args,
    runlensVersion: '0.1.0',
    env: gitTestEnv,
  });
  const { record, files } = captureArtifacts(capture);
  const launch = await RemoteLaunch.start({
    launches: f.launches,
    launchId,
    capture: record,
    files: { ...files, [LaunchArtifact.OutputLog]: '' },
    imprintOf: imprintOfCapture,
    server: { ...request.server, name: 'team' },
    experiment: request.experiment ?? {},
    scriptPath: script,
    endRequests: request.endRequests ?? { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } },
    log: (message) => f.logged.push(message),
  });
  const env = launchEnvironment(process.env, {
    trackingUri: launch.remote.url,
    token: request.server.token,
    basicAuth: request.server.username === undefined ? undefined : { username: request.server.username, password: request.server.password ?? '' },
    helperPath,
    run: { runId: launch.remote.runId, experimentId: launch.remote.experimentId },
    runTags: Object.fromEntries(imprintOfCapture(record).tags.map((tag) => [tag.key, tag.value])),
  });
  const log = new OutputLog(launch.filePath(launchId, LaunchArtifact.OutputLog));
  let output = '';
  const child = new LaunchedProcess({ executable: 'python3', args: [script, ...args], cwd: request.repo, env }, (chunk) => {
    log.append(chunk);
    output += chunk.toString();
  });
  child.started.then((pid) => launch.setPid(launchId, pid)).catch(() => undefined);
  t.after(() => child.kill('the test ended'));
  const logged = child.ended.then(() => log.close());
  return { fixture: f, launch, process: child, logged, output: () => output, env };
}
