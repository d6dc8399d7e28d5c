import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitOutput, nulSeparated, runGit, type GitOptions } from './gitCommand';

/** A worktree that "Open Code of Run" or Reproduce made under `.runlens/worktrees/<run id>`. */
export interface RunWorktree {
  readonly runId: string;
  readonly path: string;
  /** Bytes of its files on disk (git's own objects are shared with the repository and not counted). */
  readonly bytes: number;
  /**
   * Whether its files differ from what RunLens restored (someone edited them), or could not be
   * compared (made before RunLens recorded what it restored, or git cannot read it): removing it
   * may lose work.
   */
  readonly changed: boolean;
}

/** Kept in the worktree's own git folder, which `git worktree remove` deletes with it. */
const stateFile = 'runlens-restored-state';
const removeTimeoutMs = 120_000;

/** Records what the worktree holds now (just restored), so that later edits show as changes. */
export async function recordRestoredState(worktree: string, options: GitOptions = {}): Promise<void> {
  const [gitDir, state] = await Promise.all([worktreeGitDir(worktree, options), worktreeState(worktree, options)]);
  if (gitDir !== undefined && state !== undefined) await writeFile(path.join(gitDir, stateFile), state);
}

/** The run worktrees in `folder` (`.runlens/worktrees/`), by run id; none when the folder does not exist. */
export async function listRunWorktrees(folder: string, options: GitOptions = {}): Promise<RunWorktree[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const worktrees = entries.filter((entry) => entry.isDirectory()).map((entry) => path.join(folder, entry.name));
  return Promise.all(
    worktrees.map(async (worktree) => ({
      runId: path.basename(worktree),
      path: worktree,
      bytes: await folderBytes(worktree),
      changed: await changedSinceRestore(worktree, options),
    })),
  );
}

/**
 * Removes the worktree with `git worktree remove --force` (the caller asked the person about
 * changes), which also forgets it in the repository; a folder git no longer knows as a worktree
 * (its repository moved or gone) is deleted, and the repository's stale entry pruned where it can be.
 */
export async function removeRunWorktree(worktree: string, options: GitOptions = {}): Promise<void> {
  // Without its `.git` file the folder is no worktree, and git would answer for a repository around it.
  const linked = existsSync(path.join(worktree, '.git'));
  const commonDir = linked ? await gitOutputIn(worktree, ['rev-parse', '--path-format=absolute', '--git-common-dir'], options) : undefined;
  const repository = commonDir === undefined ? undefined : path.dirname(commonDir);
  if (repository !== undefined) {
    const result = await runGit({ cwd: repository, args: ['worktree', 'remove', '--force', worktree] }, { ...options, timeoutMs: removeTimeoutMs });
    if (result.exitCode === 0) return;
    if (existsSync(path.join(worktree, '.git'))) {
      throw new Error(`git could not remove the worktree ${worktree}: ${result.stderr.trim() || `git exited with ${result.exitCode}`}`);
    }
  }
  await rm(worktree, { recursive: true, force: true });
  if (repository !== undefined) await runGit({ cwd: repository, args: ['worktree', 'prune'] }, options).catch(() => undefined);
}

async function changedSinceRestore(worktree: string, options: GitOptions): Promise<boolean> {
  const gitDir = await worktreeGitDir(worktree, options);
  if (gitDir === undefined) return true;
  const [recorded, now] = await Promise.all([readFile(path.join(gitDir, stateFile), 'utf8').catch(() => undefined), worktreeState(worktree, options)]);
  return recorded === undefined || now === undefined || recorded !== now;
}

/**
 * A hash of the worktree's files as they differ from its commit: the binary diff of tracked files,
 * and the content of untracked ones (the captured diff's new files are untracked there). Ignored
 * files (caches, outputs) do not count. Undefined when git cannot read it.
 */
async function worktreeState(worktree: string, options: GitOptions): Promise<string | undefined> {
  const diff = await runGit({ cwd: worktree, args: ['diff-index', '--binary', '-p', 'HEAD', '--'], maxStdoutBytes: 512 * 1024 * 1024 }, options);
  const untracked = await runGit({ cwd: worktree, args: ['ls-files', '--others', '--exclude-standard', '-z'] }, options);
  if (diff.exitCode !== 0 || untracked.exitCode !== 0) return undefined;
  const files = nulSeparated(untracked.stdout).sort();
  const hashes = files.length === 0 ? '' : await gitOutputIn(worktree, ['hash-object', '--stdin-paths'], options, files.join('\n'));
  if (hashes === undefined) return undefined;
  return createHash('sha256').update(diff.stdout).update('\0').update(files.join('\0')).update('\0').update(hashes).digest('hex');
}

async function worktreeGitDir(worktree: string, options: GitOptions): Promise<string | undefined> {
  if (!existsSync(path.join(worktree, '.git'))) return undefined;
  return gitOutputIn(worktree, ['rev-parse', '--absolute-git-dir'], options);
}

async function gitOutputIn(cwd: string, args: readonly string[], options: GitOptions, input?: string): Promise<string | undefined> {
  const result = await runGit({ cwd, args, input }, options).catch(() => undefined);
  return result && gitOutput(result);
}

async function folderBytes(folder: string): Promise<number> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => lstat(path.join(entry.parentPath, entry.name)).then((stat) => stat.size, () => 0)),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}
