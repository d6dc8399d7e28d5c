import { runProcess, type ProcessResult } from './processRunner';

export interface GitOptions {
  /** The git executable; VS Code's `git.path` when the launcher has one. */
  readonly gitPath?: string;
  /** The environment git runs in (defaults to this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Per git command. */
  readonly timeoutMs?: number;
}

export interface GitCall {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly input?: Buffer | string;
  readonly maxStdoutBytes?: number;
  readonly onStdout?: (chunk: Buffer) => void;
}

const defaultTimeoutMs = 10_000;

// Settings from the user's config that would change the output we parse or the patch we keep.
const outputConfig = [
  'core.quotepath=false',
  'diff.relative=false',
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'color.ui=false',
];

// Variables that would point git at another repository than the one in `cwd` (set, for instance,
// when VS Code itself was started from a git hook).
const repositoryOverrides = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_PREFIX', 'GIT_NAMESPACE'];

/** The environment for a read-only git command that must never get in the way of the user's own git. */
function gitEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of repositoryOverrides) delete env[name];
  // No optional locks: git must never take index.lock to refresh the index while the user commits.
  // (The porcelain `git diff` rewrites the index regardless, which is why the patch comes from
  // `diff-index`.)
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  // Messages in English so that the reasons we report read the same everywhere.
  env.LC_ALL = 'C';
  return env;
}

/** Runs one git command; rejects only when git cannot be started (see ProcessStartError). */
export function runGit(call: GitCall, options: GitOptions): Promise<ProcessResult> {
  const configArgs = outputConfig.flatMap((setting) => ['-c', setting]);
  return runProcess(options.gitPath ?? 'git', [...configArgs, ...call.args], {
    cwd: call.cwd,
    env: gitEnvironment(options.env ?? process.env),
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
    input: call.input,
    maxStdoutBytes: call.maxStdoutBytes,
    onStdout: call.onStdout,
  });
}

/** stdout of a git command that succeeded, without the trailing newline; undefined otherwise. */
export function gitOutput(result: ProcessResult): string | undefined {
  if (result.exitCode !== 0) return undefined;
  return result.stdout.toString('utf8').replace(/\r?\n$/, '');
}

/** Splits NUL-separated output (`-z`) into its entries. */
export function nulSeparated(output: Buffer): string[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry.length > 0);
}
