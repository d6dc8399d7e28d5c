import { spawn } from 'node:child_process';

export interface ProcessOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The process is killed after this long; what it printed so far is still returned. */
  readonly timeoutMs: number;
  /** Bytes of stdout kept in memory when no `onStdout` is given; the rest is only counted. */
  readonly maxStdoutBytes?: number;
  /** Receives stdout as it arrives instead of buffering it (`stdout` in the result is then empty). */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Written to the process's stdin, which is then closed. */
  readonly input?: Buffer | string;
  readonly signal?: AbortSignal;
}

export interface ProcessResult {
  /** Null when the process was ended by a signal (for instance by the timeout). */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stdout: Buffer;
  /** Every byte the process wrote to stdout, including those not kept. */
  readonly stdoutBytes: number;
  readonly stderr: string;
}

/** Why a process could not be run at all; a process that ran and failed is a `ProcessResult`. */
export class ProcessStartError extends Error {
  constructor(
    readonly executable: string,
    readonly reason: 'notFound' | 'aborted' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'ProcessStartError';
  }

  static is(error: unknown, reason?: ProcessStartError['reason']): error is ProcessStartError {
    return error instanceof ProcessStartError && (reason === undefined || error.reason === reason);
  }
}

const defaultMaxStdoutBytes = 16 * 1024 * 1024;
const maxStderrBytes = 64 * 1024;

/**
 * Runs an executable with an argument array, never through a shell, so that no path or argument is
 * ever interpreted. stdout is capped or streamed rather than buffered whole (a diff or a package list
 * can be large), and the timeout resolves with what was printed so far instead of failing.
 */
export function runProcess(executable: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new ProcessStartError(executable, 'aborted', `${executable} was not started: cancelled`));
      return;
    }
    const child = spawn(executable, args, {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      windowsHide: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const maxStdout = options.maxStdoutBytes ?? defaultMaxStdoutBytes;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let stdoutBytes = 0;
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let settled = false;

    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (options.onStdout) {
        options.onStdout(chunk);
      } else if (keptBytes < maxStdout) {
        const part = chunk.subarray(0, maxStdout - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < maxStderrBytes) stderr += chunk.toString('utf8');
    });
    // A process that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');

    child.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      finish();
      const reason = error.code === 'ENOENT' ? 'notFound' : 'failed';
      const message =
        reason === 'notFound' ? `${executable} was not found (is it installed and on PATH?)` : `${executable} could not be started: ${error.message}`;
      reject(new ProcessStartError(executable, reason, message));
    });
    child.once('close', (exitCode) => {
      if (settled) return;
      finish();
      if (aborted) {
        reject(new ProcessStartError(executable, 'aborted', `${executable} was cancelled`));
        return;
      }
      resolve({ exitCode, timedOut, stdout: Buffer.concat(kept), stdoutBytes, stderr: stderr.slice(0, maxStderrBytes) });
    });
  });
}

/** The first line of a process's error output, for messages. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ''
  );
}
