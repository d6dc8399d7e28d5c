import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { LaunchEnding } from '../core/launches/launchEnding';

export interface LaunchCommand {
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** How the process ended. */
export type ProcessEnd =
  | { readonly kind: 'exited'; readonly exitCode: number | null; readonly signal: string | null; readonly stopReason?: string }
  | { readonly kind: 'notStarted'; readonly error: string };

/** How long a stopped process group has, after SIGTERM, to end on its own before SIGKILL. */
export const defaultStopGraceMs = 3000;
/** How long to wait for output still in the pipes after the process exits (a child may hold them open). */
const drainMs = 500;

/**
 * The launched script: the interpreter spawned directly (no shell, arguments as an array) as the
 * leader of a process group of its own, so that Stop reaches everything it started (data loader
 * workers, subprocesses) and nothing else. Output arrives as it is written, in order; input is
 * forwarded line by line.
 */
export class LaunchedProcess {
  /** Resolves with the pid once the process runs; rejects when it could not be started. */
  readonly started: Promise<number>;
  readonly ended: Promise<ProcessEnd>;
  private readonly child: ChildProcessWithoutNullStreams;
  private stopReason: string | undefined;
  private exited = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    command: LaunchCommand,
    private readonly onOutput: (chunk: Buffer, stream: 'stdout' | 'stderr') => void,
    private readonly stopGraceMs = defaultStopGraceMs,
  ) {
    const groupLeader = process.platform !== 'win32';
    this.child = spawn(command.executable, [...command.args], {
      cwd: command.cwd,
      env: command.env,
      shell: false,
      detached: groupLeader,
      windowsHide: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.onOutput(chunk, 'stdout'));
    this.child.stderr.on('data', (chunk: Buffer) => this.onOutput(chunk, 'stderr'));
    // A process that exits without reading its input must not crash the extension host with EPIPE,
    // nor a late error event (a failed kill) with no listener left.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', () => undefined);
    this.started = new Promise((resolve, reject) => {
      this.child.once('spawn', () => resolve(this.child.pid!));
      this.child.once('error', reject);
    });
    // The rejection is also reported through `ended`; nobody has to listen to `started`.
    this.started.catch(() => undefined);
    this.ended = new Promise((resolve) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.child.pid !== undefined) return;
        this.exited = true;
        const why = error.code === 'ENOENT' ? `${command.executable} was not found (is it installed and on PATH?)` : error.message;
        resolve({ kind: 'notStarted', error: why });
      });
      this.child.once('exit', (exitCode, signal) => {
        this.exited = true;
        clearTimeout(this.killTimer);
        // After Stop nothing of the launch may survive, not even a child that ignored SIGTERM.
        if (this.stopReason !== undefined) this.signalGroup('SIGKILL');
        void this.drained().then(() =>
          resolve({ kind: 'exited', exitCode, signal, ...(this.stopReason !== undefined ? { stopReason: this.stopReason } : {}) }),
        );
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.pid !== undefined && !this.exited;
  }

  /** Sends text to the process's stdin. */
  write(text: string): void {
    if (this.running && this.child.stdin.writable) this.child.stdin.write(text);
  }

  endInput(): void {
    if (this.running) this.child.stdin.end();
  }

  /** Ctrl+C: SIGINT to the whole group, as a terminal does; the person meant to stop it. */
  interrupt(): void {
    if (!this.running) return;
    this.stopReason ??= 'Stopped with Ctrl+C in its terminal.';
    this.signalGroup('SIGINT');
    this.scheduleKill();
  }

  /** SIGTERM to the whole group, then SIGKILL if anything is still there after the grace period. */
  stop(reason: string): void {
    if (!this.running) return;
    this.stopReason ??= reason;
    this.signalGroup('SIGTERM');
    this.scheduleKill();
  }

  /** Ends the group at once (VS Code is closing: there is no time for a grace period). */
  kill(reason: string): void {
    if (!this.running) return;
    this.stopReason ??= reason;
    this.signalGroup('SIGKILL');
  }

  private scheduleKill(): void {
    this.killTimer ??= setTimeout(() => this.signalGroup('SIGKILL'), this.stopGraceMs);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    if (process.platform === 'win32') {
      // No process groups: taskkill ends the tree (/T), forcefully only for SIGKILL.
      spawnSync('taskkill', ['/pid', String(pid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])], { windowsHide: true });
      return;
    }
    try {
      process.kill(-pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /** Resolves when stdout and stderr have closed, or after a short wait if something still holds them. */
  private drained(): Promise<void> {
    const closed = (stream: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean }) =>
      stream.readableEnded || stream.destroyed ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve()));
    return Promise.race([
      Promise.all([closed(this.child.stdout), closed(this.child.stderr)]).then(() => undefined),
      new Promise<void>((resolve) => setTimeout(resolve, drainMs)),
    ]);
  }
}

/** The launch's outcome, from how its process ended. */
export function launchEndingOf(end: ProcessEnd): LaunchEnding {
  if (end.kind === 'notStarted') return { kind: 'notStarted', reason: end.error };
  if (end.stopReason !== undefined) {
    return {
      kind: 'stopped',
      reason: end.stopReason,
      ...(end.exitCode !== null ? { exitCode: end.exitCode } : {}),
      ...(end.signal !== null ? { signal: end.signal } : {}),
    };
  }
  if (end.signal !== null) return { kind: 'signalled', signal: end.signal };
  return { kind: 'exited', exitCode: end.exitCode ?? 1 };
}
