import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGit } from './gitCommand';
import { ProcessStartError } from './processRunner';

/** A file a run ran, as it was: `file` at `commit`, with the run's captured uncommitted diff applied when given. */
export interface FileAtRunRequest {
  /** A folder inside the repository (the workspace folder); relative `file` paths start here. */
  readonly cwd: string;
  readonly commit: string;
  readonly file: string;
  /** The captured `git diff` of the working tree (path on disk), for a run that was dirty. */
  readonly patch?: string;
}

const gitTimeoutMs = 15_000;
const maxFileBytes = 64 * 1024 * 1024;

/** A failure the person can act on, worded for them. */
export class FileAtRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileAtRunError';
  }

  static is(error: unknown): error is FileAtRunError {
    return error instanceof FileAtRunError;
  }
}

/**
 * Reads the file from git at the commit (`git show`), then, for a dirty run, applies the captured
 * diff to it with `git apply` in a throwaway repository, so the person's own repository and working
 * tree are never touched. A file that was new and uncommitted comes from the diff alone.
 */
export async function fileAtRun(request: FileAtRunRequest): Promise<string> {
  const { top, inRepository } = await locate(request.file, request.cwd);
  await git(top, ['cat-file', '-e', `${request.commit}^{commit}`]).catch(() => {
    throw new FileAtRunError(`commit ${request.commit.slice(0, 12)} is not in the repository at ${top}: fetch it first`);
  });
  const base = await git(top, ['show', `${request.commit}:${inRepository}`]).catch(() => undefined);
  if (!request.patch) {
    if (base === undefined) throw new FileAtRunError(`${inRepository} is not in commit ${request.commit.slice(0, 12)}`);
    return base;
  }
  return applyPatch(base, inRepository, request.patch, request.commit);
}

/**
 * The repository that holds the file and the file's path in it: found from the file's folder (it may
 * be a repository of its own, inside the workspace or not), else from the workspace folder.
 * Throws FileAtRunError when the file is in no git repository here.
 */
export async function locate(file: string, cwd: string): Promise<{ top: string; inRepository: string }> {
  const absolute = path.resolve(cwd, file);
  let lastError: unknown;
  for (const dir of [path.dirname(absolute), cwd]) {
    if (!existsSync(dir)) continue;
    try {
      // The prefix (the folder's path inside the repository) is immune to symlinks on the way.
      const [top, prefix] = (await git(dir, ['rev-parse', '--show-toplevel', '--show-prefix'])).split('\n');
      const inRepository = path.posix.normalize(prefix + path.relative(dir, absolute).split(path.sep).join('/'));
      if (!inRepository.startsWith('../')) return { top, inRepository };
      lastError = new Error(`${file} is outside the repository at ${top}`);
    } catch (error) {
      lastError = error;
    }
  }
  throw new FileAtRunError(`${file} is not in a git repository here (${reason(lastError)})`);
}

async function applyPatch(base: string | undefined, inRepository: string, patch: string, commit: string): Promise<string> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'runlens-source-'));
  try {
    // A repository of its own: `git apply` then works relative to it whatever encloses the temp folder.
    await git(scratch, ['init', '-q']);
    const target = path.join(scratch, ...inRepository.split('/'));
    if (base !== undefined) {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, base);
    }
    await git(scratch, ['apply', '--whitespace=nowarn', `--include=${globEscape(inRepository)}`, patch]).catch((error: unknown) => {
      throw new FileAtRunError(`the captured diff does not apply to ${inRepository} at ${commit.slice(0, 12)}: ${reason(error)}`);
    });
    if (!existsSync(target)) throw new FileAtRunError(`${inRepository} is neither in commit ${commit.slice(0, 12)} nor in the captured diff`);
    return await readFile(target, 'utf8');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `--include` takes a glob: its special characters in a real path must match themselves. */
function globEscape(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}

/** stdout of a git command that succeeded, whole (a file's text keeps its last newline); rejects with git's reason otherwise. */
async function git(cwd: string, args: readonly string[]): Promise<string> {
  const result = await runGit({ cwd, args, maxStdoutBytes: maxFileBytes }, { timeoutMs: gitTimeoutMs }).catch((error: unknown) => {
    throw new Error(ProcessStartError.is(error, 'notFound') ? 'git is not installed' : reason(error));
  });
  if (result.timedOut) throw new Error(`git ${args[0]} took longer than ${gitTimeoutMs / 1000} s`);
  if (result.exitCode !== 0) throw new Error(result.stderr.trim() || `git ${args[0]} exited with ${result.exitCode}`);
  if (result.stdoutBytes > result.stdout.length) throw new Error(`git ${args[0]} printed more than ${maxFileBytes / 1024 / 1024} MB`);
  return result.stdout.toString('utf8');
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
