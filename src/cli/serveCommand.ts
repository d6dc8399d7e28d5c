import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DashboardService } from '../dashboards/dashboardService';
import { imprintOfCapture } from '../capture/captureImprint';
import { launchesFolder } from '../core/launches/launchFiles';
import { LaunchService } from '../core/launches/launchService';
import { SupervisorFiles, supervisedFolder } from '../core/launches/supervisorFiles';
import { StoreOwnedElsewhereError, WorkspaceStore } from '../core/store/workspaceStore';
import { storeFiles } from '../core/store/storeFiles';
import { DashboardSite } from '../server/dashboardRoutes';
import { signInCodeSeconds } from '../server/dashboards/dashboardAuth';
import { startServer, type RunningServer } from '../server/server';
import { IdleLifetime } from '../supervisor/idleLifetime';
import type { Command } from './command';
import { runlensVersion } from './runlensVersion';
import { probeOwner } from './ownerProbe';

const usage = `Usage: runlens serve [--dir PATH] [--port P] [--host 127.0.0.1] [--idle-minutes N]

  --dir PATH          workspace folder whose .runlens/ store is served (default: the current folder)
  --port P            port to listen on (default: the port of the server before, when it stopped
                      without releasing the store (crashed or killed) and the port is free, for the
                      scripts still logging to it; else any free port)
  --host H            127.0.0.1 (default), localhost or ::1: RunLens listens on loopback only
  --idle-minutes N    stop (after a checkpoint) once, for N minutes, no request came and no launched
                      script ran: how VS Code starts its server process (default: serve until stopped)

Every request must carry the token printed at start: a new random one each time, or the value of
RUNLENS_TOKEN when it is set (at least 16 characters).`;

export const serveCommand: Command = {
  name: 'serve',
  summary: "serve the workspace's runs as an MLflow tracking server on 127.0.0.1",
  usage,
  run: serve,
};

interface ServeOptions {
  readonly dir: string;
  /** Undefined: the previous server's port when it can be had again, else any free one. */
  readonly port?: number;
  readonly host: string;
  readonly idleMinutes?: number;
}

async function serve(args: readonly string[]): Promise<number> {
  let options: ServeOptions;
  try {
    options = parseServeArgs(args);
  } catch (error) {
    console.error(`runlens serve: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const token = process.env.RUNLENS_TOKEN || randomBytes(24).toString('base64url');
  if (token.length < 16) {
    console.error('runlens serve: RUNLENS_TOKEN must be at least 16 characters long.');
    return 2;
  }
  // Listening from the start: a Ctrl+C or SIGTERM while the store opens or is taken over would
  // otherwise end the process on the spot, leaving its claim on the store behind.
  const stopped = stopSignal();

  const storeDir = path.join(options.dir, '.runlens');
  let store: WorkspaceStore;
  try {
    let told = -1;
    store = await WorkspaceStore.open(storeDir, {
      // An older store moves its metric histories out of the database once, on this first open.
      onMigrationProgress: ({ movedPoints, totalPoints }) => {
        const percent = Math.floor((100 * movedPoints) / Math.max(1, totalPoints));
        if (percent >= told + 10 || movedPoints === totalPoints) {
          console.error(`runlens serve: moving metric histories out of the database: ${percent}% (${movedPoints} of ${totalPoints} points)`);
          told = percent;
        }
      },
    });
  } catch (error) {
    if (!(error instanceof StoreOwnedElsewhereError)) throw error;
    const verdict = await probeOwner(error.owner);
    if (verdict.kind === 'runlens') return reportOwner(storeDir, error.owner, verdict.signInPath);
    if (verdict.kind === 'unsure') {
      console.error(
        `runlens serve: ${storeDir} is claimed by pid ${error.owner.pid} (${storeFiles.owner}), but ${verdict.why}. ` +
          `If it is running, wait or stop it; if no RunLens uses this folder any more, delete ${path.join(storeDir, storeFiles.owner)} and run this again.`,
      );
      return 1;
    }
    console.error(`runlens serve: ${storeFiles.owner} names pid ${error.owner.pid}, but ${verdict.why} (a crashed RunLens whose pid was reused): taking the store over.`);
    store = await WorkspaceStore.open(storeDir, { staleClaim: error.owner.claim });
  }
  if (store.recovery.message) console.error(`runlens serve: ${store.recovery.message}`);
  const launches = await openLaunches(store, storeDir);

  // The dashboards in a browser, beside the API: the bundles are built next to this file (dist/webview).
  const dashboards = new DashboardSite({
    service: new DashboardService({ tracking: store.tracking, artifacts: store.artifacts, traces: store.traces }),
    tracking: store.tracking,
    writes: store,
    webviewDir: path.join(__dirname, 'webview'),
  });
  let server: RunningServer | undefined;
  let lifetime: IdleLifetime | undefined;
  const idle = new Promise<void>((resolve) => {
    if (options.idleMinutes === undefined) return;
    const supervised = new SupervisorFiles(path.join(storeDir, supervisedFolder));
    lifetime = new IdleLifetime({ idleMs: options.idleMinutes * 60_000, runningLaunches: () => supervised.live().length, onIdle: resolve });
  });
  const listen = (port: number) =>
    startServer({
      dashboards,
      store: store.tracking,
      registry: store.registry,
      artifacts: store.artifacts,
      traces: store.traces,
      token,
      launches,
      port,
      host: options.host,
      onRequest: () => lifetime?.touch(),
    });
  try {
    // Scripts launched before a crash still log to the port of the server they were given: serve it again when it is free.
    const previousPort = options.port === undefined ? portBefore(store, storeDir) : undefined;
    server =
      previousPort === undefined
        ? await listen(options.port ?? 0)
        : await listen(previousPort).catch((error: Error) => {
            console.error(`runlens serve: the port of the server before, ${previousPort}, cannot be had again (${error.message}): serving on a new one.`);
            return listen(0);
          });
    const version = runlensVersion();
    store.publish({ port: server.port, token, ...(version ? { version } : {}), ...(options.idleMinutes !== undefined ? { idleMinutes: options.idleMinutes } : {}) });
  } catch (error) {
    await server?.close();
    store.close();
    throw error;
  }

  console.log(
    `RunLens serves ${storeDir} at ${server.url}\n` +
      'Point MLflow at it by pasting this into the shell that runs your script:\n\n' +
      exportLines(server.url, token) +
      `\n\n${signInLine(server.url, dashboards.mintSignInPath())}` +
      `${process.stdin.isTTY ? '\nPress Enter for a fresh one.' : ''}\n\nPress Ctrl+C to stop.`,
  );
  const freshSignIn = () => console.log(signInLine(server.url, dashboards.mintSignInPath()));
  if (process.stdin.isTTY) process.stdin.on('data', freshSignIn);
  const deleted = storeDeleted(storeDir);
  const why = await Promise.race([stopped.then(() => 'signal'), idle.then(() => 'idle'), deleted.promise.then(() => 'deleted')]);
  lifetime?.dispose();
  deleted.dispose();
  if (why === 'idle') console.log(`RunLens: nothing to serve for ${options.idleMinutes} minute(s) (no request, no launched script running).`);
  process.stdin.off('data', freshSignIn);
  process.stdin.pause();
  if (why === 'deleted') {
    // What it held is gone; no last checkpoint, so that a store made meanwhile in its place stays whole.
    console.log(`RunLens: ${storeDir} was deleted; stopping without writing anything.`);
    dashboards.close();
    await server.close();
    store.abandon();
    return 0;
  }
  console.log('RunLens: stopping (requests in flight finish, then the store is checkpointed)...');
  dashboards.close();
  await server.close();
  await store.closeInBackground();
  console.log('RunLens: stopped.');
  return 0;
}

/** How often `serve` looks whether its store's folder is still there. */
const presenceCheckMs = 2_000;

/**
 * Resolves once the store's folder is gone (a person deleted `.runlens/`): a server process would
 * otherwise serve, until idle, a store no window reads and whose writes land in deleted files.
 */
function storeDeleted(storeDir: string): { promise: Promise<void>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (!existsSync(storeDir)) resolve();
    }, presenceCheckMs);
    timer.unref();
  });
  return { promise, dispose: () => clearInterval(timer) };
}

function parseServeArgs(args: readonly string[]): ServeOptions {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      dir: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'idle-minutes': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}'`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port must be 0 to 65535, not '${values.port}'`);
  const host = values.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`--host '${host}' is not a loopback address: RunLens serves 127.0.0.1, localhost or ::1 only`);
  }
  const idleText = values['idle-minutes'];
  const idleMinutes = idleText === undefined ? undefined : Number(idleText);
  if (idleMinutes !== undefined && !(Number.isFinite(idleMinutes) && idleMinutes > 0)) throw new Error(`--idle-minutes must be a number above 0, not '${idleText}'`);
  return { dir: path.resolve(values.dir ?? '.'), host, ...(port !== undefined ? { port } : {}), ...(idleMinutes !== undefined ? { idleMinutes } : {}) };
}

/**
 * The port scripts may still log to, from the server before this one: the one a launched script
 * still running was given (its supervisor keeps it), else the one `owner.json` named when this
 * process took the store over from an owner that died without releasing it. A store released
 * cleanly names none: nothing waits for its port.
 */
function portBefore(store: WorkspaceStore, storeDir: string): number | undefined {
  return new SupervisorFiles(path.join(storeDir, supervisedFolder)).liveTrackingPort() ?? store.tookOverFrom?.port;
}

/** The owner answered as RunLens with its recorded token: point the user at it. */
function reportOwner(storeDir: string, owner: { pid: number; port?: number; token?: string }, signInPath: string | undefined): number {
  const url = `http://127.0.0.1:${owner.port}`;
  const dashboards = signInPath === undefined ? '' : `\n\n${signInLine(url, signInPath)}`;
  console.log(`pid ${owner.pid} already serves ${storeDir} at ${url}\n\n${exportLines(url, owner.token ?? '')}${dashboards}`);
  return 0;
}

/**
 * The store's launches: scripts a guest window launches log with tokens of their own, and that
 * window records their launch through this server. Launches a crashed process left RUNNING whose
 * supervisor is gone are ended first, as a window that opens the store ends them.
 */
async function openLaunches(store: WorkspaceStore, storeDir: string): Promise<LaunchService> {
  const log = (message: string) => console.error(`runlens serve: ${message}`);
  const launches = new LaunchService({ db: store.db, artifacts: store.artifacts, filesDir: path.join(storeDir, launchesFolder), imprintOf: imprintOfCapture, log });
  const recovered = await launches.recoverAbandoned().catch((error: Error) => {
    log(`could not end the launches left running: ${error.message}`);
    return [];
  });
  for (const launch of recovered) {
    const how = launch.recorded ? 'ended while no window watched it' : 'stopped while no RunLens process watched it';
    log(`launch ${launch.launchId} ${how}; its runs are now ${launch.status}: ${launch.runs.map((run) => run.info.run_name).join(', ')}`);
  }
  return launches;
}

/** The version of the package this bundle ships in (dist/cli.js beside package.json's folder), for owner.json. */
function signInLine(url: string, signInPath: string): string {
  return `Dashboards: ${url}${signInPath}\n  (this address signs a browser in once, within ${signInCodeSeconds} seconds)`;
}

function exportLines(url: string, token: string): string {
  return `  export MLFLOW_TRACKING_URI=${url}\n  export MLFLOW_TRACKING_TOKEN=${token}`;
}

/** Resolves on the first SIGINT or SIGTERM; a second one while stopping ends the process at once. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once(signal, () => process.exit(130));
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
