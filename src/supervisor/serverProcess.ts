import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { isProcessAlive } from '../core/launches/processAlive';
import { readOwner, type OwnerInfo } from '../core/store/ownership';

export interface ServerProcessOptions {
  /** The `runlens` CLI bundle (dist/cli.js): the server process runs `runlens serve`, the same code. */
  readonly cliScript: string;
  /** The workspace folder whose `.runlens/` is served. */
  readonly workspaceDir: string;
  readonly idleMinutes: number;
  readonly startTimeoutMs?: number;
}

/** A RunLens server that serves the folder's store, and whether this call started it. */
export interface ServingProcess {
  readonly owner: OwnerInfo & { readonly port: number; readonly token: string };
  readonly started: boolean;
  /**
   * For a server started after one that died without releasing the store (crashed, or killed):
   * that one's port, which the new server takes again when it is free (`runlens serve`).
   */
  readonly portBefore?: number;
}

const defaultStartTimeoutMs = 15_000;
const probeTimeoutMs = 3000;
export const serverLogName = 'server.log';

/**
 * The folder's RunLens server process: the one named in `owner.json` when it answers as RunLens
 * with the recorded token (a server process a previous window started, or `runlens serve`), else a
 * new one, `runlens serve --idle-minutes N` run detached (its own process group, its output in
 * `.runlens/server.log`) with this process's runtime (`process.execPath`, `ELECTRON_RUN_AS_NODE=1`),
 * so that it outlives the window while it has work.
 */
export async function ensureServerProcess(options: ServerProcessOptions): Promise<ServingProcess> {
  const storeDir = path.join(options.workspaceDir, '.runlens');
  const existing = await answeringOwner(storeDir);
  if (existing) return { owner: existing, started: false };
  // Still named after the server died: the new one serves its port again when it can.
  const before = readOwner(storeDir);
  const portBefore = before?.port !== undefined && !isProcessAlive(before.pid) ? before.port : undefined;

  mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(storeDir, serverLogName);
  const log = openSync(logFile, 'a', 0o600);
  let exited: string | undefined;
  let pid: number | undefined;
  try {
    const child = spawn(process.execPath, [options.cliScript, 'serve', '--dir', options.workspaceDir, '--idle-minutes', String(options.idleMinutes)], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    pid = child.pid;
    child.on('error', (error) => (exited ??= error.message));
    child.once('exit', (code, signal) => (exited ??= `it exited with ${signal ?? `code ${code}`}`));
    child.unref();
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + (options.startTimeoutMs ?? defaultStartTimeoutMs);
  for (;;) {
    const owner = readOwner(storeDir);
    // Ours, or another window's that won the race to the store: either serves it.
    if (owner?.port !== undefined && owner.token !== undefined && (owner.pid === pid || (await answers(owner)))) {
      const started = owner.pid === pid;
      return { owner: owner as ServingProcess['owner'], started, ...(started && portBefore !== undefined ? { portBefore } : {}) };
    }
    // Ours gave up because another process (a second window starting at the same moment) claimed
    // the store first: wait for that one to publish its server.
    const anotherStarting = owner !== undefined && owner.pid !== pid && isProcessAlive(owner.pid);
    if ((exited !== undefined && !anotherStarting) || Date.now() > deadline) {
      const said = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`the RunLens server process did not start (${exited ?? 'no answer in time'})${said ? `: ${said}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The owner in `owner.json`, when it is alive and answers as RunLens with its recorded token. */
export async function answeringOwner(storeDir: string): Promise<ServingProcess['owner'] | undefined> {
  const owner = readOwner(storeDir);
  if (owner?.port === undefined || owner.token === undefined || !isProcessAlive(owner.pid)) return undefined;
  return (await answers(owner)) ? (owner as ServingProcess['owner']) : undefined;
}

/** Whether the server at the owner's port takes its token (a window's heartbeat, too: every request counts as work). */
export function answers(owner: OwnerInfo): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: owner.port, path: '/health', timeout: probeTimeoutMs, headers: { authorization: `Bearer ${owner.token}` } },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
