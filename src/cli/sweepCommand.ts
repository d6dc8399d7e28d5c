import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { imprintOfCapture } from '../capture/captureImprint';
import type { Run } from '../core/entities';
import { launchesFolder } from '../core/launches/launchFiles';
import { LaunchService } from '../core/launches/launchService';
import { describeProgress, progressOf, SweepQueue, type PointState, type StartedPoint } from '../core/sweeps/sweepQueue';
import { parseSweepFile } from '../core/sweeps/sweepFile';
import { valuesToLog } from '../core/sweeps/sweepParams';
import { expandSweep, type SweepSpec } from '../core/sweeps/sweepSpec';
import { SweepTag } from '../core/sweeps/sweepTags';
import { MlflowRestClient } from '../remote/client/mlflowRestClient';
import type { RemoteServer } from '../remote/client/remoteServer';
import { startServer } from '../server/server';
import { WorkspaceStore } from '../core/store/workspaceStore';
import { startCapturedLaunch, type CapturedLauncher, type LaunchDestination } from './capturedLaunch';
import type { Command } from './command';
import { runlensVersion } from './runlensVersion';
import { interruptSignal, openWorkspaceStoreOrOwner } from './storeCommandSupport';

const usage = `runlens sweep FILE [--tracking-uri URL] [--dir DIR] [--python PATH] [--concurrency N]

Runs the sweep that FILE (*.sweep.json or *.sweep.yaml) describes, as RunLens: Run Sweep… does in
VS Code: one run per point, at most N at once, grouped under a parent run. Progress is printed as
points start and end. Ctrl+C stops the running points.

Each point is a launch as from the editor: run from the workspace folder (--dir), with its git
state, diff, packages, interpreter and command captured, and its output in the run's
runlens/output.log.

  --tracking-uri URL  log to this MLflow tracking server (MLFLOW_TRACKING_TOKEN, or
                      MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, authenticate)
  --dir DIR           otherwise, the workspace whose .runlens/ store takes the runs (default: the
                      current folder); through the VS Code window or runlens serve that owns it
  --python PATH       the interpreter (default: python3)
  --concurrency N     runs at once (default: the file's concurrency, else 1)`;

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a sweep file (grid, list or random samples of a script\'s arguments) from the shell',
  usage,
  run: runSweep,
};

async function runSweep(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { 'tracking-uri': { type: 'string' }, dir: { type: 'string' }, python: { type: 'string' }, concurrency: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error('name one sweep file: runlens sweep FILE');
  const file = path.resolve(positionals[0]);
  const spec = parseSweepFile(await readFile(file, 'utf8'), path.basename(file));
  if (!spec.script) throw new Error(`${path.basename(file)}: script: name the Python script to sweep`);
  const script = path.resolve(path.dirname(file), spec.script);
  const concurrency = values.concurrency === undefined ? (spec.concurrency ?? 1) : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be a whole number from 1, not '${values.concurrency}'`);
  const points = expandSweep(spec);

  const workspace = path.resolve(values.dir ?? process.cwd());
  const target = await trackingTarget(values['tracking-uri'], workspace);
  const interrupt = interruptSignal();
  try {
    const client = new MlflowRestClient(target.server);
    const sweep = await SweepRun.create(client, spec, script, points.length);
    console.log(`runlens sweep: ${points.length} runs of ${path.basename(script)} under run ${sweep.parentRunId} at ${target.server.url}, ${concurrency} at once`);
    const python = values.python ?? 'python3';
    const launcher: CapturedLauncher = {
      launches: target.launches,
      destination: target.destination,
      workspaceRoot: workspace,
      helperPath: helperPath(),
      runlensVersion: runlensVersion() ?? 'unknown',
      signal: interrupt.signal,
      echo: (chunk) => process.stdout.write(chunk),
    };
    const queue = new SweepQueue(SweepQueue.queued(points), {
      concurrency,
      start: (state) => sweep.launchPoint(state, launcher, { python, script, experiment: spec.experiment ?? 'Default' }),
      onChange: (state, progress) => {
        console.log(`  [${state.index + 1}/${progress.total}] ${state.status}: ${state.point.args.join(' ')}${state.runId ? ` (run ${state.runId})` : ''} | ${describeProgress(progress)}`);
        sweep.progress(describeProgress(progress));
      },
    });
    interrupt.signal.addEventListener('abort', () => queue.stop());
    await queue.run();
    const progress = queue.progress();
    await sweep.end(progress.failed + progress.stopped === 0 ? 'FINISHED' : progress.stopped > 0 ? 'KILLED' : 'FAILED');
    console.log(`runlens sweep: ${describeProgress(progress)}`);
    for (const [index, problem] of queue.problems) console.error(`runlens sweep: point ${index + 1} did not start: ${problem}`);
    return progress.failed + progress.stopped === 0 ? 0 : 1;
  } finally {
    interrupt.dispose();
    await target.close();
  }
}

/** Where the runs go, and where the launches keep their records while they run. */
interface TrackingTarget {
  readonly server: RemoteServer;
  readonly destination: LaunchDestination;
  readonly launches: LaunchService;
  close(): Promise<void>;
}

/**
 * Where the runs go: a remote MLflow server, the owner of the workspace's store (both taking each
 * point as a remote launch, its records in a scratch store), or the store served here for the sweep.
 */
async function trackingTarget(trackingUri: string | undefined, workspace: string): Promise<TrackingTarget> {
  if (trackingUri !== undefined) {
    const env = process.env;
    const server: RemoteServer = {
      url: trackingUri,
      ...(env.MLFLOW_TRACKING_TOKEN ? { token: env.MLFLOW_TRACKING_TOKEN } : {}),
      ...(env.MLFLOW_TRACKING_USERNAME ? { username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD ?? '' } : {}),
    };
    return serverTarget(server, trackingUri);
  }
  const opened = await openWorkspaceStoreOrOwner(workspace, { mustExist: false });
  if (opened.kind === 'owner') {
    const { owner } = opened;
    if (owner.port === undefined || owner.token === undefined) throw new Error(`${opened.message} It is not serving the store yet; try again in a moment.`);
    console.log(`runlens sweep: ${opened.message} The runs go through it.`);
    return serverTarget({ url: `http://127.0.0.1:${owner.port}`, token: owner.token }, `the owner of the store (pid ${owner.pid})`);
  }
  const { store } = opened;
  const token = randomBytes(24).toString('hex');
  try {
    const launches = launchServiceOf(store);
    const running = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token, launches });
    store.publish({ port: running.port, token });
    return {
      server: { url: running.url, token },
      destination: { kind: 'store', trackingUrl: running.url },
      launches,
      close: async () => {
        await running.close();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** A server this command does not own: each point's launch record and files wait in a scratch store until the end reached the server. */
async function serverTarget(server: RemoteServer, name: string): Promise<TrackingTarget> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'runlens-sweep-'));
  const store = await WorkspaceStore.open(path.join(scratch, '.runlens'));
  return {
    server,
    destination: { kind: 'server', server: { ...server, name } },
    launches: launchServiceOf(store),
    close: async () => {
      store.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

function launchServiceOf(store: WorkspaceStore): LaunchService {
  return new LaunchService({ db: store.db, artifacts: store.artifacts, filesDir: path.join(store.dir, launchesFolder), imprintOf: imprintOfCapture });
}

/** The sweep on a tracking server, through MLflow's REST API: its parent run, and each point's process. */
class SweepRun {
  private progressWrite: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: MlflowRestClient,
    readonly sweepId: string,
    readonly parentRunId: string,
    readonly experimentId: string,
  ) {}

  static async create(client: MlflowRestClient, spec: SweepSpec, script: string, points: number): Promise<SweepRun> {
    const experimentId = spec.experiment ? await experimentIdOf(client, spec.experiment) : '0';
    const sweepId = randomUUID().replaceAll('-', '');
    const { run } = await client.post<{ run: Run }>('runs/create', {
      experiment_id: experimentId,
      run_name: spec.name ?? `sweep ${path.basename(script)} (${points} runs)`,
      start_time: Date.now(),
      tags: [
        { key: SweepTag.Progress, value: describeProgress(progressOf(SweepQueue.queued(expandSweep(spec)))) },
        { key: 'mlflow.source.name', value: path.basename(script) },
      ],
    });
    return new SweepRun(client, sweepId, run.info.run_id, experimentId);
  }

  /** The varied values as params of the run, where the script did not log them itself: the axes the dashboard compares. */
  private async recordValuesAsParams(run: Run, values: Readonly<Record<string, string>>): Promise<void> {
    const params = valuesToLog(run, values);
    if (params.length === 0) return;
    await this.client
      .post('runs/log-batch', { run_id: run.info.run_id, params })
      .catch((error: unknown) => console.error(`runlens sweep: could not record the values as params of run ${run.info.run_id}: ${(error as Error).message}`));
  }

  /** The progress tag of the parent run, written in order, a failure only reported. */
  progress(text: string): void {
    this.progressWrite = this.progressWrite
      .then(() => this.client.post('runs/set-tag', { run_id: this.parentRunId, key: SweepTag.Progress, value: text }))
      .catch((error: unknown) => console.error(`runlens sweep: could not record the progress: ${(error as Error).message}`));
  }

  async end(status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    await this.progressWrite;
    await this.client.post('runs/update', { run_id: this.parentRunId, status, end_time: Date.now() });
  }

  /** One point as a captured launch into the store this command serves: its runs get the sweep's tags from the capture. */
  async launchPoint(state: PointState, launcher: CapturedLauncher, how: { python: string; script: string; experiment: string }): Promise<StartedPoint> {
    const launch = await startCapturedLaunch(launcher, {
      python: how.python,
      script: how.script,
      args: state.point.args,
      env: state.point.env,
      experiment: how.experiment,
      sweep: { sweepId: this.sweepId, parentRunId: this.parentRunId, values: state.point.values, pointIndex: state.index },
    });
    return {
      stop: () => launch.stop('Stopped with Ctrl+C in runlens sweep.'),
      ended: launch.ended.then(async (ended) => {
        const run = ended.runs[0];
        if (run) await this.recordValuesAsParams(run, state.point.values);
        return { ok: ended.status === 'FINISHED', ...(run ? { runId: run.info.run_id } : {}) };
      }),
    };
  }
}

/** The bundled `runlens` Python module, beside the CLI's bundle (dist/python). */
function helperPath(): string {
  return path.join(__dirname, 'python');
}

async function experimentIdOf(client: MlflowRestClient, name: string): Promise<string> {
  const found = await client
    .get<{ experiment: { experiment_id: string } }>('experiments/get-by-name', { experiment_name: name })
    .catch(() => undefined);
  if (found) return found.experiment.experiment_id;
  return (await client.post<{ experiment_id: string }>('experiments/create', { name })).experiment_id;
}
