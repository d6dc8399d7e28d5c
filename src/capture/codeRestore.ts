import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { gitOutput, runGit, type GitOptions } from './gitCommand';
import { recordRestoredState } from './runWorktrees';

/** Why a run's code could not be restored, worded for the person; `kind` lets the caller offer a way out. */
export class CodeRestoreError extends Error {
  constructor(
    readonly kind: 'notRepository' | 'commitMissing' | 'dirty' | 'patchFailed' | 'gitFailed',
    message: string,
  ) {
    super(message);
    this.name = 'CodeRestoreError';
  }

  static is(error: unknown, kind?: CodeRestoreError['kind']): error is CodeRestoreError {
    return error instanceof CodeRestoreError && (kind === undefined || error.kind === kind);
  }
}

/** The code a run ran: its commit, and the captured uncommitted diff (untracked files included) when it was dirty. */
export interface RunCode {
  /** A folder inside the repository: where the launch read git from (the script's folder). */
  readonly cwd: string;
  readonly commit: string;
  /** The captured patch (`runlens/diff.patch`) on disk. */
  readonly patchFile?: string;
}

export interface Restored {
  /** Where `cwd` is in the restored tree: the worktree's own copy of that folder. */
  readonly folder: string;
  /** The repository's root in the restored tree. */
  readonly root: string;
  /** False when the worktree was already there from an earlier restore, and was reused as it is. */
  readonly created: boolean;
}

const worktreeTimeoutMs = 120_000;

/**
 * A new git worktree at `target`, detached at the run's commit, with the captured diff applied. The
 * person's branch, index and working tree are untouched: `worktree add --detach` moves no branch,
 * and the patch goes into the new tree alone. A worktree already at `target` is reused.
 */
export async function restoreInWorktree(code: RunCode, target: string, options: GitOptions = {}): Promise<Restored> {
  const { top, prefix } = await repositoryOf(code.cwd, options);
  const folder = path.join(target, ...prefix.split('/').filter(Boolean));
  if (existsSync(path.join(target, '.git'))) return { folder, root: target, created: false };
  await requireCommit(top, code.commit, options);
  await mkdir(path.dirname(target), { recursive: true });
  await git(top, ['worktree', 'add', '--detach', target, code.commit], options, 'could not make the worktree');
  if (code.patchFile) {
    try {
      await applyPatch(target, code.patchFile, options);
    } catch (error) {
      // A half-restored tree would pass for the run's code: remove it.
      await runGit({ cwd: top, args: ['worktree', 'remove', '--force', target] }, options).catch(() => undefined);
      throw error;
    }
  }
  await recordRestoredState(target, options);
  return { folder, root: target, created: true };
}

/**
 * The run's code in the person's own working tree: every tracked file as at the run's commit (files
 * the commit lacks are removed), then the captured diff. The branch and the index stay where they
 * are, so the difference from `HEAD` shows as uncommitted changes, undone by discarding them. Needs a
 * clean working tree: otherwise it refuses with the changed files, or, with `stash`, first keeps
 * them with `git stash push -u` and returns the stash message.
 */
export async function applyInPlace(code: RunCode, options: GitOptions & { readonly stash?: boolean; readonly runName?: string } = {}): Promise<{ stashed?: string }> {
  const { top } = await repositoryOf(code.cwd, options);
  await requireCommit(top, code.commit, options);
  const changes = await git(top, ['status', '--porcelain', '--untracked-files=all'], options, 'could not read the working tree');
  let stashed: string | undefined;
  if (changes.length > 0) {
    const files = changes.split('\n').map((line) => line.slice(3));
    if (!options.stash) {
      throw new CodeRestoreError('dirty', `the working tree has uncommitted changes (${listed(files)}): commit or stash them first`);
    }
    stashed = `RunLens: before applying the code of run ${options.runName ?? code.commit.slice(0, 12)}`;
    await git(top, ['stash', 'push', '-u', '-m', stashed], options, 'could not stash the uncommitted changes');
  }
  await git(top, ['restore', `--source=${code.commit}`, '--worktree', '--', '.'], options, `could not check out the files of ${code.commit.slice(0, 12)}`);
  if (code.patchFile) await applyPatch(top, code.patchFile, options);
  return { stashed };
}

/** The `# RunLens:` notes of a captured patch: the files it could not carry (binary, capped, unreadable). */
export function patchNotes(patch: string): string[] {
  return patch
    .split('\n')
    .filter((line) => line.startsWith('# RunLens: '))
    .map((line) => line.slice('# RunLens: '.length));
}

async function repositoryOf(cwd: string, options: GitOptions): Promise<{ top: string; prefix: string }> {
  const result = await runGit({ cwd, args: ['rev-parse', '--show-toplevel', '--show-prefix'] }, options).catch(() => undefined);
  const output = result && gitOutput(result);
  if (output === undefined) throw new CodeRestoreError('notRepository', `${cwd} is not in a git repository`);
  const [top, prefix = ''] = output.split('\n');
  return { top, prefix };
}

async function requireCommit(top: string, commit: string, options: GitOptions): Promise<void> {
  const result = await runGit({ cwd: top, args: ['cat-file', '-e', `${commit}^{commit}`] }, options);
  if (result.exitCode !== 0) {
    throw new CodeRestoreError(
      'commitMissing',
      `commit ${commit.slice(0, 12)} is not in the repository at ${top} (rebased away, or never fetched here)`,
    );
  }
}

async function applyPatch(root: string, patchFile: string, options: GitOptions): Promise<void> {
  const result = await runGit({ cwd: root, args: ['apply', '--whitespace=nowarn', patchFile] }, { ...options, timeoutMs: worktreeTimeoutMs });
  if (result.exitCode !== 0) {
    throw new CodeRestoreError('patchFailed', `the run's captured diff does not apply: ${result.stderr.trim() || `git exited with ${result.exitCode}`}`);
  }
}

async function git(cwd: string, args: readonly string[], options: GitOptions, what: string): Promise<string> {
  const result = await runGit({ cwd, args }, { ...options, timeoutMs: options.timeoutMs ?? worktreeTimeoutMs });
  const output = gitOutput(result);
  if (output === undefined) throw new CodeRestoreError('gitFailed', `${what}: ${result.stderr.trim() || `git exited with ${result.exitCode}`}`);
  return output;
}

function listed(files: readonly string[], shown = 5): string {
  return files.length <= shown ? files.join(', ') : `${files.slice(0, shown).join(', ')} and ${files.length - shown} more`;
}
