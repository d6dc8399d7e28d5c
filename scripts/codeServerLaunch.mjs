// The moving parts shared by the integration runner, the workbench e2e test and `npm start`:
// free ports, throwaway folders, a server process that is waited for and stopped as a whole, and Chromium.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  chromiumArgs,
  chromiumPath,
  codeServerEntry,
  codeServerEnv,
  node24Binary,
  quietSettings,
} from './codeServerPaths.mjs';
import { serverProcessMarker, stopServerProcesses } from './serverProcessSweep.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh folder under the system temp dir with the sub-folders a VS Code server and Chromium need. */
export function makeSandbox(prefix) {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = { root };
  for (const name of ['userData', 'serverData', 'extensions', 'workspace', 'chromiumProfile']) {
    dirs[name] = path.join(root, name);
    mkdirSync(dirs[name]);
  }
  return dirs;
}

export function removeSandbox(sandbox) {
  rmSync(sandbox.root, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
}

/** Writes VS Code's user settings: the quiet defaults plus any overrides. */
export function writeUserSettings(userDataDir, overrides = {}) {
  const dir = path.join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...quietSettings, ...overrides }, null, 2));
}

/**
 * Starts a server process in its own process group, so that stopping it also stops the extension hosts
 * and other children it spawned. Its output goes to `onOutput` line by line.
 */
export function startServerProcess(command, args, { env = codeServerEnv(), cwd, onOutput } = {}) {
  const run = randomBytes(8).toString('hex');
  const child = spawn(command, args, { cwd, env: { ...env, ...serverProcessMarker(run) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      for (const line of lines) onOutput?.(line);
    });
    stream.on('end', () => pending && onOutput?.(pending));
  }
  let stopping;
  return {
    child,
    exited,
    /**
     * Stops the RunLens server processes its extension hosts started (detached, so not in its process group),
     * and returns their pids.
     */
    stopRunLensServers: () => stopServerProcesses(run),
    /** Stops the whole process group, then the RunLens server processes: SIGTERM, then SIGKILL after a grace period. */
    stop(graceMs = 3000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          signalGroup(child.pid, 'SIGTERM');
          const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
          if ((await Promise.race([exited.then(() => 'exited'), timer])) !== 'exited') {
            signalGroup(child.pid, 'SIGKILL');
            await exited;
          }
          // Children that outlived their parent (an extension host, a terminal) are still in the group.
          signalGroup(child.pid, 'SIGKILL');
        }
        await stopServerProcesses(run);
      })();
      return stopping;
    },
  };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Resolves once an HTTP GET of `url` gets any answer; rejects on timeout or when `exited` settles first. */
export async function waitForHttp(url, { timeoutMs = 60_000, exited } = {}) {
  const deadline = Date.now() + timeoutMs;
  let processExit;
  exited?.then((result) => (processExit = result));
  while (Date.now() < deadline) {
    if (processExit) throw new Error(`the server exited before answering ${url} (${JSON.stringify(processExit)})`);
    const answered = await new Promise((resolve) => {
      const request = http.get(url, (response) => {
        response.resume();
        resolve(true);
      });
      request.setTimeout(2000, () => request.destroy());
      request.on('error', () => resolve(false));
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s`);
}

/** Installs a .vsix into a code-server profile (user data and extensions folders) with code-server's CLI. */
export function installVsix(vsix, { userData, extensions }) {
  const result = spawnSync(
    node24Binary,
    [codeServerEntry, '--user-data-dir', userData, '--extensions-dir', extensions, '--force', '--install-extension', vsix],
    { env: codeServerEnv(), encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`installing ${vsix} failed (exit code ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** Extensions installed in a code-server profile, as `publisher.name@version`. */
export function listInstalledExtensions({ userData, extensions }) {
  const result = spawnSync(
    node24Binary,
    [codeServerEntry, '--user-data-dir', userData, '--extensions-dir', extensions, '--list-extensions', '--show-versions'],
    { env: codeServerEnv(), encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`listing extensions failed:\n${result.stdout}${result.stderr}`);
  return result.stdout.split('\n').filter((line) => /^[\w-]+\.[\w-]+@/.test(line));
}

/**
 * Starts code-server (the full product, as a person uses it) without a password, on the loopback only.
 * Workspace trust is off here; tests of untrusted behaviour turn it back on in their own settings.
 */
export function startCodeServer({ port, userData, extensions, folder, onOutput }) {
  return startServerProcess(
    node24Binary,
    [
      codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      // The folder a bare URL opens; `?folder=` in the URL picks another.
      ...(folder ? [folder] : []),
    ],
    { onOutput },
  );
}

/** Debian's Chromium, headless, with a throwaway profile. */
export async function launchChromium(profileDir) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: install it with apt-get install -y --no-install-recommends chromium`);
  }
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
  });
}
