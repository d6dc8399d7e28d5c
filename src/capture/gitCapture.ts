import { stat } from 'node:fs/promises';
import path from 'node:path';
import { gitOutput, nulSeparated, runGit, type GitOptions } from './gitCommand';
import { PatchBuilder, type LeftOutFile } from './patchBuilder';
import { firstLine, ProcessStartError, type ProcessResult } from './processRunner';
import { parseRemoteConfig, preferredRemote, withoutCredentials } from './remoteUrl';
import { addTrackedDiff } from './trackedDiff';
import { addUntrackedFiles } from './untrackedDiff';

export interface GitCaptureOptions extends GitOptions {
  /** Cap on the patch, notes included (default 2 MB). */
  readonly maxPatchBytes?: number;
  /** Untracked files read for the patch (and listed in the capture) at most (default 1,000). */
  readonly maxUntrackedFiles?: number;
}

export interface NotARepository {
  readonly isRepository: false;
  /** What is true, in words: not a repository, git missing, or what git said. */
  readonly reason: string;
  /** git could not be started at all. */
  readonly gitMissing: boolean;
}

export interface GitRepositoryCapture {
  readonly isRepository: true;
  /** The working tree's root, absolute, in this platform's form. */
  readonly root: string;
  /** `HEAD`'s commit; absent in a repository without commits. */
  readonly commit?: string;
  /** Absent on a detached HEAD. In a repository without commits, the branch to be born. */
  readonly branch?: string;
  readonly detached: boolean;
  /** `origin`, else the first remote; the URL without credentials. */
  readonly remote?: { readonly name: string; readonly url: string };
  /** Tracked changes (staged or not) or untracked files that are not ignored. */
  readonly dirty: boolean;
  /** Tracked files that differ from HEAD (every tracked file when there is no commit). Repository-relative, POSIX. */
  readonly changedFiles: readonly string[];
  /** Untracked, not ignored files: the first `maxUntrackedFiles` of `untrackedCount`. */
  readonly untrackedFiles: readonly string[];
  readonly untrackedCount: number;
  /**
   * The uncommitted changes against HEAD as a patch `git apply` takes at the root of a clean
   * checkout of `commit` (with no commit: onto an empty tree): tracked changes, then untracked text
   * files as new files, then `# RunLens:` notes on what was left out. Empty when clean.
   */
  readonly patch: string;
  readonly patchBytes: number;
  /** Some file was left out to respect the cap. */
  readonly patchCapped: boolean;
  /** Size of the whole patch without the cap (`fullPatchBytesExact` false: at least this). */
  readonly fullPatchBytes: number;
  readonly fullPatchBytesExact: boolean;
  /** Changed files that are not in the patch, with why. */
  readonly leftOut: readonly LeftOutFile[];
  /** Parts that could not be captured, in words; the rest of the capture stands. */
  readonly warnings: readonly string[];
}

export type GitCapture = GitRepositoryCapture | NotARepository;

const defaultMaxPatchBytes = 2 * 1024 * 1024;
const defaultMaxUntrackedFiles = 1000;

/**
 * What git knows about the code in `cwd` (or the repository above it), read without taking any
 * lock. Never throws: a folder that is not a repository, or a machine without git, gives
 * `{ isRepository: false, reason }`.
 */
export async function captureGit(cwd: string, options: GitCaptureOptions = {}): Promise<GitCapture> {
  try {
    return await captureRepository(cwd, options);
  } catch (error) {
    if (ProcessStartError.is(error, 'notFound')) {
      return { isRepository: false, reason: 'git is not installed (or not on PATH)', gitMissing: true };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { isRepository: false, reason: `git could not be run: ${message}`, gitMissing: ProcessStartError.is(error) };
  }
}

async function captureRepository(cwd: string, options: GitCaptureOptions): Promise<GitCapture> {
  const folder = await stat(cwd).catch(() => undefined);
  if (!folder?.isDirectory()) return { isRepository: false, reason: `${cwd} is not a folder`, gitMissing: false };

  const topLevel = await runGit({ args: ['rev-parse', '--show-toplevel'], cwd }, options);
  const rootOutput = gitOutput(topLevel);
  if (!rootOutput) return { isRepository: false, reason: notARepositoryReason(topLevel), gitMissing: false };
  const root = path.resolve(rootOutput);

  const git = (args: string[], input?: string): Promise<ProcessResult> => runGit({ args, cwd: root, input }, options);
  const [head, symbolicRef, remoteConfig, untrackedListing] = await Promise.all([
    git(['rev-parse', '-q', '--verify', 'HEAD^{commit}']),
    git(['symbolic-ref', '-q', 'HEAD']),
    git(['config', '-z', '--get-regexp', '^remote\\..*\\.url$']),
    git(['ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  const commit = gitOutput(head);
  const ref = gitOutput(symbolicRef);
  const remote = preferredRemote(parseRemoteConfig(gitOutput(remoteConfig) ?? ''));
  const warnings: string[] = [];
  if (untrackedListing.exitCode !== 0) {
    const why = untrackedListing.timedOut ? 'git did not answer in time' : firstLine(untrackedListing.stderr);
    warnings.push(`untracked files could not be listed (${why}), so they are not in the patch or the dirty flag`);
  }
  const untracked = untrackedListing.exitCode === 0 ? nulSeparated(untrackedListing.stdout) : [];
  if (untrackedListing.stdoutBytes > untrackedListing.stdout.length) {
    // The listing outgrew what is kept in memory; its last name is cut short.
    untracked.pop();
    warnings.push(`there are more untracked files than the ${untracked.length} RunLens listed`);
  }

  // Without a commit, everything tracked is new: diff against the empty tree (whose id depends on
  // the repository's hash function, so git computes it).
  const base = commit ?? gitOutput(await git(['hash-object', '-t', 'tree', '--stdin'], ''));
  const builder = new PatchBuilder(options.maxPatchBytes ?? defaultMaxPatchBytes);
  const maxUntracked = options.maxUntrackedFiles ?? defaultMaxUntrackedFiles;
  let changedFiles: string[] = [];
  if (base) {
    const tracked = await addTrackedDiff(root, base, builder, options);
    changedFiles = tracked.changedFiles;
    warnings.push(...tracked.warnings);
  } else {
    warnings.push('the empty tree could not be computed, so tracked files are not in the patch');
  }
  await addUntrackedFiles(root, untracked, builder, maxUntracked);
  const built = builder.build();

  return {
    isRepository: true,
    root,
    ...(commit ? { commit } : {}),
    ...(ref ? { branch: ref.replace(/^refs\/heads\//, '') } : {}),
    detached: ref === undefined,
    ...(remote ? { remote: { name: remote.name, url: withoutCredentials(remote.url) } } : {}),
    dirty: changedFiles.length > 0 || untracked.length > 0,
    changedFiles,
    untrackedFiles: untracked.slice(0, maxUntracked),
    untrackedCount: untracked.length,
    patch: built.patch,
    patchBytes: built.patchBytes,
    patchCapped: built.capped,
    fullPatchBytes: built.fullPatchBytes,
    fullPatchBytesExact: built.fullPatchBytesExact,
    leftOut: built.leftOut,
    warnings,
  };
}

function notARepositoryReason(result: ProcessResult): string {
  if (result.timedOut) return 'git did not answer in time';
  const said = firstLine(result.stderr).replace(/^fatal:\s*/, '');
  if (/not a git repository/i.test(said)) return 'not a git repository';
  return said || `git rev-parse failed with exit code ${result.exitCode}`;
}
