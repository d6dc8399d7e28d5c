// Real git repositories in temporary folders, with a configuration of their own: the user's global
// and system git configuration is neither read nor written, so the tests behave the same on every
// machine (no gpg signing, no default branch name, no diff settings from outside).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** A temporary folder (its real path), removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'runlens-capture-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment both the tests' git and the code under test run git in. */
export const gitTestEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_CONFIG_NOSYSTEM: '1',
  // Never climb out of the temporary folder into a repository that happens to contain it.
  GIT_CEILING_DIRECTORIES: realpathSync(os.tmpdir()),
  GIT_AUTHOR_NAME: 'RunLens Test',
  GIT_AUTHOR_EMAIL: 'test@runlens.invalid',
  GIT_COMMITTER_NAME: 'RunLens Test',
  GIT_COMMITTER_EMAIL: 'test@runlens.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitTestEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).replace(/\n$/, '');
}

/** Writes a file, creating its folders; `relative` uses POSIX separators. */
export function write(root: string, relative: string, content: string | Buffer, mode?: number): string {
  const file = path.join(root, ...relative.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content, mode === undefined ? undefined : { mode });
  return file;
}

/** A repository on branch main with `files` committed. */
export function makeRepo(t: TestContext, files: Record<string, string> = { 'train.py': 'print("hello")\n' }): string {
  const dir = tempDir(t, 'runlens-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) write(dir, name, content);
  if (Object.keys(files).length > 0) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'first');
  }
  return dir;
}

/**
 * Applies `patch` to a fresh clone of `repo` at `commit` (or to an empty repository when there is
 * none), after `git apply --check`; returns the clone's folder.
 */
export function applyToCleanCheckout(t: TestContext, repo: string, patch: string, commit?: string): string {
  const clone = tempDir(t, 'runlens-clone-');
  if (commit) {
    git(clone, 'clone', '-q', repo, '.');
    git(clone, 'checkout', '-q', '--detach', commit);
  } else {
    git(clone, 'init', '-q');
  }
  const patchFile = path.join(tempDir(t, 'runlens-patch-'), 'capture.patch');
  writeFileSync(patchFile, patch);
  git(clone, 'apply', '--check', patchFile);
  git(clone, 'apply', patchFile);
  return clone;
}

/** Every file under `root` but .git, relative POSIX path to content (symbolic links as their target). */
export function treeContents(root: string, skip: (relative: string) => boolean = () => false): Map<string, string> {
  const contents = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const relative = entry.split(path.sep).join('/');
    if (relative === '.git' || relative.startsWith('.git/') || skip(relative)) continue;
    const absolute = path.join(root, entry);
    const stats = statSync(absolute, { throwIfNoEntry: false });
    if (stats?.isDirectory()) continue;
    contents.set(relative, stats ? readFileSync(absolute).toString('base64') : 'dangling link');
  }
  return new Map([...contents.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The mode bits git tracks: whether a file is executable. */
export function isExecutable(file: string): boolean {
  return (statSync(file).mode & 0o111) !== 0;
}
