import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { hashFile } from './fileHash';
import { walkFiles } from './fileWalker';
import { GlobMatcher } from './globMatcher';
import { relativePosixPath } from './relativePath';

export interface DatasetFingerprint {
  /** Workspace-relative POSIX path of the file or folder (absolute when it lies outside). */
  readonly name: string;
  readonly path: string;
  readonly kind: 'file' | 'folder';
  /** Bytes; for a folder, of the files hashed. */
  readonly size: number;
  /**
   * SHA-256 of the content. For a folder, of its manifest: one `<sha256>  <relative path>\n` line
   * per file (sha256sum's format) in walk order (depth first, names sorted).
   */
  readonly sha256: string;
  readonly fileCount: number;
  /** The newest modification time among the files, in ms since the epoch. */
  readonly mtimeMs: number;
  /** A folder with more files than the cap: the hash covers the first `fileCount` in walk order. */
  readonly truncated: boolean;
}

export interface FingerprintOptions {
  /** Files that `fingerprintFiles` fingerprints at most (default 1,000). */
  readonly maxFiles?: number;
  /** Files of one folder hashed at most (default 10,000). */
  readonly maxFilesPerFolder?: number;
  readonly chunkBytes?: number;
  readonly signal?: AbortSignal;
}

export interface FingerprintResult {
  readonly fingerprints: DatasetFingerprint[];
  /** What was skipped, in words (unreadable files, caps reached, paths that do not exist). */
  readonly problems: string[];
}

const defaultMaxFiles = 1000;
const defaultMaxFilesPerFolder = 10_000;

/** Fingerprints every file under `root` that matches one of the globs, one fingerprint per file. */
export async function fingerprintFiles(root: string, globs: readonly string[], options: FingerprintOptions = {}): Promise<FingerprintResult> {
  const matcher = new GlobMatcher(globs);
  const maxFiles = options.maxFiles ?? defaultMaxFiles;
  const fingerprints: DatasetFingerprint[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const base of matcher.bases()) {
    for await (const file of walkFiles(root, base, options.signal)) {
      if (seen.has(file.relative) || !matcher.matches(file.relative)) continue;
      seen.add(file.relative);
      if (fingerprints.length >= maxFiles) {
        problems.push(`more than ${maxFiles} files match ${globs.join(', ')}; only the first ${maxFiles} are fingerprinted`);
        return { fingerprints, problems };
      }
      const fingerprint = await fileFingerprint(file.absolute, file.relative, options).catch((error: Error) => {
        options.signal?.throwIfAborted();
        problems.push(`${file.relative} could not be read: ${error.message}`);
        return undefined;
      });
      if (fingerprint) fingerprints.push(fingerprint);
    }
  }
  return { fingerprints, problems };
}

/** Fingerprints explicit paths (from a script's arguments): a file as itself, a folder as a whole. */
export async function fingerprintPaths(root: string, paths: readonly string[], options: FingerprintOptions = {}): Promise<FingerprintResult> {
  const fingerprints: DatasetFingerprint[] = [];
  const problems: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(root, given);
    const name = relativePosixPath(root, absolute) || absolute;
    try {
      const stats = await stat(absolute);
      if (stats.isDirectory()) fingerprints.push(await folderFingerprint(absolute, name, options, problems));
      else fingerprints.push(await fileFingerprint(absolute, name, options));
    } catch (error) {
      options.signal?.throwIfAborted();
      problems.push(`${name} could not be read: ${(error as Error).message}`);
    }
  }
  return { fingerprints, problems };
}

async function fileFingerprint(absolute: string, name: string, options: FingerprintOptions): Promise<DatasetFingerprint> {
  const [{ sha256, size }, stats] = await Promise.all([hashFile(absolute, options), stat(absolute)]);
  return { name, path: absolute, kind: 'file', size, sha256, fileCount: 1, mtimeMs: stats.mtimeMs, truncated: false };
}

async function folderFingerprint(absolute: string, name: string, options: FingerprintOptions, problems: string[]): Promise<DatasetFingerprint> {
  const maxFiles = options.maxFilesPerFolder ?? defaultMaxFilesPerFolder;
  const manifest = createHash('sha256');
  let size = 0;
  let fileCount = 0;
  let mtimeMs = 0;
  let truncated = false;
  for await (const file of walkFiles(absolute, '', options.signal)) {
    if (fileCount >= maxFiles) {
      truncated = true;
      problems.push(`${name} holds more than ${maxFiles} files; its fingerprint covers the first ${maxFiles}`);
      break;
    }
    const fingerprint = await fileFingerprint(file.absolute, file.relative, options).catch((error: Error) => {
      options.signal?.throwIfAborted();
      problems.push(`${name}/${file.relative} could not be read: ${error.message}`);
      return undefined;
    });
    if (!fingerprint) continue;
    manifest.update(`${fingerprint.sha256}  ${file.relative}\n`);
    size += fingerprint.size;
    mtimeMs = Math.max(mtimeMs, fingerprint.mtimeMs);
    fileCount++;
  }
  return { name, path: absolute, kind: 'folder', size, sha256: manifest.digest('hex'), fileCount, mtimeMs, truncated };
}

