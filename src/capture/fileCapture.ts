import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { GitCapture } from './gitCapture';
import { gitOutput, runGit, type GitOptions } from './gitCommand';
import { relativePosixPath } from './relativePath';

export interface FileCaptureOptions extends GitOptions {
  readonly workspaceRoot: string;
  /** The launch's git capture: when the file lies in that repository, it is not looked up again. */
  readonly git?: GitCapture;
}

/**
 * How the file stands against the commit the run records:
 * - `unchanged`: its content is HEAD's, so the commit alone reproduces it;
 * - `modified`: HEAD has it with other content;
 * - `untracked`: HEAD does not have it (new, only staged, untracked or ignored);
 * - `noRepository`: it is in no git repository (or git is missing);
 * - `unknown`: git failed to say.
 */
export type FileGitState = 'unchanged' | 'modified' | 'untracked' | 'noRepository' | 'unknown';

export interface FileCapture {
  readonly absolutePath: string;
  /** Relative to the workspace root, POSIX separators; absent when the file is outside it. */
  readonly workspacePath?: string;
  /** Relative to its repository's root, POSIX separators, when it is in one. */
  readonly repositoryPath?: string;
  readonly sha256: string;
  readonly size: number;
  readonly gitState: FileGitState;
  /** True unless the commit reproduces the file exactly: the launcher then keeps `content` as an artifact. */
  readonly needsCopy: boolean;
}

export interface CapturedFile {
  readonly capture: FileCapture;
  /** The bytes that were hashed, read once, for the launcher to save when `needsCopy`. */
  readonly content: Buffer;
}

/** Reads the active file once: its hash, its size, and whether HEAD holds exactly this content. */
export async function captureFile(filePath: string, options: FileCaptureOptions): Promise<CapturedFile> {
  const absolutePath = path.resolve(filePath);
  let content: Buffer;
  let realFile: string;
  try {
    [content, realFile] = await Promise.all([readFile(absolutePath), realpath(absolutePath)]);
  } catch (error) {
    throw new Error(`RunLens cannot read ${absolutePath}: ${(error as Error).message}`);
  }
  const workspaceRoot = await realpath(options.workspaceRoot).catch(() => path.resolve(options.workspaceRoot));
  const workspacePath = relativePosixPath(workspaceRoot, realFile);
  const { state, repositoryPath } = await gitStateOf(realFile, content, options);
  return {
    capture: {
      absolutePath,
      ...(workspacePath !== undefined ? { workspacePath } : {}),
      ...(repositoryPath !== undefined ? { repositoryPath } : {}),
      sha256: createHash('sha256').update(content).digest('hex'),
      size: content.length,
      gitState: state,
      needsCopy: state !== 'unchanged',
    },
    content,
  };
}

async function gitStateOf(realFile: string, content: Buffer, options: FileCaptureOptions): Promise<{ state: FileGitState; repositoryPath?: string }> {
  try {
    const root = await repositoryRootOf(realFile, options);
    if (root === undefined) return { state: 'noRepository' };
    const repositoryPath = relativePosixPath(root, realFile);
    if (repositoryPath === undefined) return { state: 'noRepository' };
    // git hashes the content as it would store it (clean filters and line-ending conversion
    // applied), so a CRLF checkout of an LF file still counts as unchanged.
    const [stored, hashed] = await Promise.all([
      runGit({ args: ['rev-parse', '-q', '--verify', `HEAD:${repositoryPath}`], cwd: root }, options),
      runGit({ args: ['hash-object', '-t', 'blob', '--stdin', `--path=${repositoryPath}`], cwd: root, input: content }, options),
    ]);
    const headBlob = gitOutput(stored);
    const contentBlob = gitOutput(hashed);
    if (contentBlob === undefined) return { state: 'unknown', repositoryPath };
    if (headBlob === undefined) return { state: stored.exitCode === 1 || stored.exitCode === 128 ? 'untracked' : 'unknown', repositoryPath };
    return { state: headBlob === contentBlob ? 'unchanged' : 'modified', repositoryPath };
  } catch {
    return { state: 'noRepository' };
  }
}

async function repositoryRootOf(realFile: string, options: FileCaptureOptions): Promise<string | undefined> {
  const known = options.git;
  if (known?.isRepository && relativePosixPath(known.root, realFile) !== undefined) return known.root;
  const topLevel = gitOutput(await runGit({ args: ['rev-parse', '--show-toplevel'], cwd: path.dirname(realFile) }, options));
  return topLevel ? path.resolve(topLevel) : undefined;
}
