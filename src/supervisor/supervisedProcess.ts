import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { LaunchEnding } from '../core/launches/launchEnding';
import { isProcessAlive } from '../core/launches/processAlive';
import { SupervisorFiles, type SupervisorState } from '../core/launches/supervisorFiles';
import type { LaunchCommand } from './launchedProcess';
import type { SupervisorSpec } from './supervisedLaunch';

export interface StartSupervisedOptions {
  /** The supervisor's bundle (dist/supervisor.js), run with this process's runtime. */
  readonly entryScript: string;
  /** `.runlens/supervised/`. */
  readonly supervisedDir: string;
  readonly launchId: string;
  readonly command: LaunchCommand;
  readonly outputLog: string;
  readonly trackingPort?: number;
  readonly stopGraceMs?: number;
}

export const supervisorGoneReason =
  'The RunLens supervisor of the script ended without recording how the script ended (it was killed, or the machine restarted).';

/** How long the supervisor has to start listening and start the script. */
const startTimeoutMs = 15_000;
/** How often a window whose long poll failed looks again (the supervisor restarting nothing: it is just busy or gone). */
const repollMs = 500;

/**
 * The window's handle on a launched script that runs under a supervisor process of its own
 * (src/supervisor/main.ts): started detached in its own process group, with the runtime VS Code
 * gives extensions (`process.execPath` with `ELECTRON_RUN_AS_NODE=1`), so that nothing of the
 * launch is a child of the extension host. A later window attaches to it from `state.json`.
 */
export class SupervisedProcess {
  /** The script's end; pending for ever once the window let go of it (`detach`). */
  readonly ended: Promise<LaunchEnding>;
  private detached = false;
  private polling: { destroy(): void } | undefined;

  private constructor(
    private readonly files: SupervisorFiles,
    readonly launchId: string,
    readonly state: SupervisorState,
  ) {
    this.ended = this.waitForEnd();
    this.ended.catch(() => undefined);
  }

  /** Starts the supervisor, which starts the script; resolves once both run (or the script could not start). */
  static async start(options: StartSupervisedOptions): Promise<SupervisedProcess> {
    const files = new SupervisorFiles(options.supervisedDir);
    const folder = files.folder(options.launchId);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const logFile = path.join(folder, 'supervisor.log');
    const log = openSync(logFile, 'a', 0o600);
    const spec: SupervisorSpec = {
      launchId: options.launchId,
      command: options.command,
      outputLog: options.outputLog,
      supervisedDir: options.supervisedDir,
      controlToken: randomBytes(24).toString('base64url'),
      ...(options.trackingPort !== undefined ? { trackingPort: options.trackingPort } : {}),
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    };
    let exited: string | undefined;
    try {
      const child = spawn(process.execPath, [options.entryScript], {
        detached: true,
        stdio: ['pipe', log, log],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      });
      child.on('error', (error) => (exited ??= error.message));
      child.once('exit', (code, signal) => (exited ??= `it exited with ${signal ?? `code ${code}`}`));
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(JSON.stringify(spec));
      child.unref();
    } finally {
      closeSync(log);
    }
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      const state = files.state(options.launchId);
      if (state) return new SupervisedProcess(files, options.launchId, state);
      if (exited !== undefined || Date.now() > deadline) {
        const said = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
        throw new Error(`the RunLens supervisor of the script did not start (${exited ?? 'no answer in time'})${said ? `: ${said}` : ''}`);
      }
      await sleep(10);
    }
  }

  /** The supervisor a previous window started for this launch, when it left its state. */
  static attach(supervisedDir: string, launchId: string): SupervisedProcess | undefined {
    const files = new SupervisorFiles(supervisedDir);
    const state = files.state(launchId);
    return state && new SupervisedProcess(files, launchId, state);
  }

  /** The script's pid: the leader of its process group. */
  get pid(): number | undefined {
    return this.state.scriptPid;
  }

  get supervisorPid(): number {
    return this.state.supervisorPid;
  }

  stop(reason: string): void {
    this.send('/stop', JSON.stringify({ reason }));
  }

  kill(reason: string): void {
    this.send('/kill', JSON.stringify({ reason }));
  }

  interrupt(): void {
    this.send('/interrupt', '');
  }

  write(text: string): void {
    this.send('/input', text);
  }

  endInput(): void {
    this.send('/end-input', '');
  }

  /** The window goes away: the script goes on, and the next window attaches. */
  detach(): void {
    this.detached = true;
    this.polling?.destroy();
  }

  /** Forgets the supervisor's files once the end is recorded in the store. */
  remove(): void {
    this.files.remove(this.launchId);
  }

  private async waitForEnd(): Promise<LaunchEnding> {
    while (!this.detached) {
      try {
        const { status, body } = await this.call('GET', '/ending', undefined, true);
        if (status === 200) return JSON.parse(body) as LaunchEnding;
      } catch {
        // Gone, or between its last reply and its exit: its files say the rest.
      }
      const ending = this.files.ending(this.launchId);
      if (ending) return ending;
      if (!isProcessAlive(this.state.supervisorPid)) return this.files.ending(this.launchId) ?? { kind: 'abandoned', reason: supervisorGoneReason };
      await sleep(repollMs);
    }
    return new Promise<never>(() => undefined);
  }

  private send(route: string, body: string): void {
    void this.call('POST', route, body, false).catch(() => undefined);
  }

  private call(method: string, route: string, body: string | undefined, longPoll: boolean): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.state.controlPort,
          method,
          path: route,
          headers: { authorization: `Bearer ${this.state.controlToken}`, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (longPoll) this.polling = req;
      req.end(body);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
