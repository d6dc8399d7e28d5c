import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where a run's source file lives in its repository. */
export interface SourceLocation {
  /** The repository's top folder. */
  readonly repoRoot: string;
  /** The file, relative to `repoRoot`, `/`-separated (as git names it). */
  readonly relativePath: string;
}

/**
 * The repository and repository-relative path of a run's source file (`mlflow.source.name`, absolute
 * or relative to the workspace folder). Undefined when the file is not inside a git repository.
 */
export async function locateSource(sourceFile: string, workspaceFolder: string): Promise<SourceLocation | undefined> {
  const absolute = path.resolve(workspaceFolder, sourceFile);
  // The file may be gone since the run; its folder (or the workspace) still names the repository.
  for (const dir of [path.dirname(absolute), workspaceFolder]) {
    const top = await git(['rev-parse', '--show-toplevel'], dir).catch(() => undefined);
    if (top === undefined) continue;
    const repoRoot = top.trim();
    const relativePath = path.relative(repoRoot, absolute).split(path.sep).join('/');
    if (!relativePath.startsWith('../') && !path.isAbsolute(relativePath)) return { repoRoot, relativePath };
  }
  return undefined;
}

/**
 * The file as the run ran it: its content at `commit`, with the run's captured uncommitted diff
 * applied when it touches the file (a file new in the diff starts empty). Throws when git cannot
 * produce it (unknown commit, a diff that does not apply) with git's own words.
 */
export async function sourceAsItWas(location: SourceLocation, commit: string, patch: string | undefined): Promise<string> {
  const touched = patch !== undefined && patchTouches(patch, location.relativePath);
  let committed: string;
  try {
    committed = await git(['show', `${commit}:${location.relativePath}`], location.repoRoot);
  } catch (error) {
    if (!touched) throw error;
    committed = ''; // not in the commit: the captured diff adds it
  }
  return touched ? applyPatch(committed, location.relativePath, patch) : committed;
}

/** Whether a unified diff (git's format) has a section for `relativePath`. */
export function patchTouches(patch: string, relativePath: string): boolean {
  return patch.split('\n').some((line) => line === `+++ b/${relativePath}` || line.startsWith(`diff --git a/${relativePath} `));
}

/**
 * Applies the diff's section for one file to `content`, with `git apply` in a scratch folder that is
 * not a repository (where git apply works as plain `patch`), so the workspace is never touched.
 */
async function applyPatch(content: string, relativePath: string, patch: string): Promise<string> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'runlens-source-'));
  try {
    const target = path.join(scratch, 'tree', ...relativePath.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    const patchFile = path.join(scratch, 'captured.patch');
    await writeFile(patchFile, patch.endsWith('\n') ? patch : `${patch}\n`);
    await git(['apply', '--unsafe-paths', `--include=${relativePath}`, '--whitespace=nowarn', patchFile], path.join(scratch, 'tree'), {
      GIT_CEILING_DIRECTORIES: scratch,
    });
    return await readFile(target, 'utf8');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function git(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args[0]} failed: ${(stderr || error.message).trim()}`));
      else resolve(stdout);
    });
  });
}
