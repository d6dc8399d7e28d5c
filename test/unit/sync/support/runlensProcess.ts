import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

/** The compiled `runlens` command (as test/unit/server/cli.test.ts runs it). */
const cliPath = path.join(__dirname, '../../../../src/cli/main.js');

export interface Served {
  readonly url: string;
  readonly token: string;
  /** Stops the server (SIGTERM: requests finish, the store is checkpointed). */
  stop(): Promise<void>;
}

/** `runlens serve` on another folder, in a process of its own: the "remote" MLflow server of these tests. */
export async function serveInChild(dir: string): Promise<Served> {
  const token = 'remote-server-token-0123456789';
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [cliPath, 'serve', '--dir', dir, '--port', '0'], {
    env: { ...process.env, RUNLENS_TOKEN: token },
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runlens serve was not ready in 20 s:\n${output}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const found = /export MLFLOW_TRACKING_URI=(\S+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then((code) => reject(new Error(`runlens serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    token,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `runlens ARGS` to its end. */
export function runlens(args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
