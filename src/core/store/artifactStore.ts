import { randomBytes } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { invalidParameter, MlflowError, notFound } from '../errors';
import { requireStoreFolder, storeDirMode, storeFileMode } from './fileSync';

/** One entry of a listing, in MLflow's FileInfo shape; directories have no size. */
export interface ArtifactEntry {
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}

export interface ArtifactFile {
  readonly size: number;
  /** The file's bytes; the caller must consume or destroy it. */
  readonly stream: Readable;
}

export interface ArtifactStoreOptions {
  /** Largest file an upload may write; see `defaultMaxArtifactBytes`. */
  readonly maxFileBytes?: number;
}

/** Model files run to gigabytes; past this an upload is refused and its partial file removed. */
const defaultMaxArtifactBytes = 5 * 1024 ** 3;

/**
 * Run and model artifacts as plain files under `.runlens/artifacts/`, confined to that folder.
 *
 * Paths come from the network and are untrusted. Every path is checked before anything is read or
 * written: no NUL bytes, no backslashes, not absolute, no `..` segments (`.` and empty segments are
 * dropped), and no symlink on the way that leads out of the root. Uploads stream into a staging
 * folder beside the root and are renamed into place when complete, so a reader never sees half a
 * file and a refused or broken upload leaves nothing behind.
 */
export class ArtifactStore {
  readonly maxFileBytes: number;
  private readonly stagingDir: string;
  private realRoot: Promise<string> | undefined;

  constructor(
    readonly root: string,
    options: ArtifactStoreOptions = {},
  ) {
    this.maxFileBytes = options.maxFileBytes ?? defaultMaxArtifactBytes;
    // A sibling of the root: the same file system (so rename is atomic) and never listed.
    this.stagingDir = `${path.resolve(root)}.uploads`;
  }

  /**
   * Streams `source` to the file at `relativePath`, replacing any file there. Resolves with the
   * number of bytes written once the file is in place; refuses sources over `maxFileBytes`.
   */
  async write(relativePath: string, source: Readable): Promise<number> {
    return refusedByPath(relativePath, () => this.writeConfined(relativePath, source));
  }

  private async writeConfined(relativePath: string, source: Readable): Promise<number> {
    // The source may fail while the path is checked; unheard, that error would be thrown process-wide.
    let early: Error | undefined;
    const onEarlyError = (error: Error) => (early ??= error);
    source.on('error', onEarlyError);
    let target: string;
    try {
      target = await this.confined(relativePath, { allowRoot: false });
      const existing = await stat(target).catch(() => undefined);
      if (existing?.isDirectory()) throw invalidParameter(`Artifact path '${relativePath}' is a directory.`);
      requireStoreFolder(this.root);
      await mkdir(this.stagingDir, { recursive: true, mode: storeDirMode });
    } finally {
      source.off('error', onEarlyError);
    }
    if (early !== undefined || source.destroyed) throw early ?? new Error('the upload ended before its last byte');
    const staging = path.join(this.stagingDir, `${randomBytes(12).toString('hex')}.partial`);
    try {
      const size = await copyCapped(source, staging, this.maxFileBytes);
      await mkdir(path.dirname(target), { recursive: true, mode: storeDirMode });
      // The directories just made may not be symlinks: re-check before the rename publishes the file.
      await this.confined(relativePath, { allowRoot: false });
      await rename(staging, target);
      return size;
    } catch (error) {
      await rm(staging, { force: true });
      throw error;
    }
  }

  /** Opens a file for reading; 404 when there is none. */
  read(relativePath: string): Promise<ArtifactFile> {
    return refusedByPath(relativePath, () => this.readConfined(relativePath));
  }

  private async readConfined(relativePath: string): Promise<ArtifactFile> {
    const target = await this.confined(relativePath, { allowRoot: false });
    const handle = await open(target, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw notFound(`Artifact '${relativePath}' does not exist.`);
      throw error;
    });
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw invalidParameter(`Artifact path '${relativePath}' is a directory.`);
      return { size: info.size, stream: handle.createReadStream() };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * The entries directly inside a directory, sorted by name, with paths relative to that directory
   * (as MLflow's artifact service lists them). A missing directory lists as empty, as MLflow's does.
   */
  list(relativeDir: string): Promise<ArtifactEntry[]> {
    return refusedByPath(relativeDir, () => this.listConfined(relativeDir));
  }

  private async listConfined(relativeDir: string): Promise<ArtifactEntry[]> {
    const dir = await this.confined(relativeDir, { allowRoot: true });
    const root = await this.rootPath();
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw error;
    }
    const listed: ArtifactEntry[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        // A link that leads out of the store is not part of it, not even its size.
        const real = await realpath(full).catch(() => undefined);
        if (real === undefined || !isInside(root, real)) continue;
      }
      const info = await stat(full).catch(() => undefined);
      if (info === undefined) continue;
      listed.push(info.isDirectory() ? { path: entry.name, is_dir: true } : { path: entry.name, is_dir: false, file_size: info.size });
    }
    return listed;
  }

  /** Removes a file or a whole directory; deleting what is not there is not an error (as MLflow). */
  delete(relativePath: string): Promise<void> {
    return refusedByPath(relativePath, async () => {
      const target = await this.confined(relativePath, { allowRoot: false });
      await rm(target, { recursive: true, force: true });
    });
  }

  /** The absolute path for `relativePath`, after every rule in the class comment. */
  private async confined(relativePath: string, { allowRoot }: { allowRoot: boolean }): Promise<string> {
    const segments = artifactPathSegments(relativePath);
    if (segments.length === 0 && !allowRoot) throw invalidParameter('Artifact path is empty.');
    const root = await this.rootPath();
    let current = root;
    for (const segment of segments) {
      current = path.join(current, segment);
      const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
        throw error;
      });
      if (info === undefined) break;
      if (info.isSymbolicLink()) {
        const real = await realpath(current).catch(() => undefined);
        if (real === undefined || !isInside(root, real)) {
          throw invalidParameter(`Invalid artifact path '${relativePath}': it leads outside the artifact store.`);
        }
      }
    }
    return path.join(root, ...segments);
  }

  /** The root, made and resolved once; on first use, what a killed upload left in staging is removed. */
  private rootPath(): Promise<string> {
    this.realRoot ??= (async () => {
      await mkdir(this.root, { recursive: true, mode: storeDirMode });
      await rm(this.stagingDir, { recursive: true, force: true });
      return realpath(this.root);
    })().catch((error: unknown) => {
      this.realRoot = undefined; // a later call tries again (the folder may be fixed meanwhile)
      throw error;
    });
    return this.realRoot;
  }
}

/**
 * Splits an artifact path into safe segments or refuses it. Exported for the routes that build
 * paths from URIs, so they apply the very same rules.
 */
export function artifactPathSegments(relativePath: string): string[] {
  const refuse = (why: string) => invalidParameter(`Invalid artifact path '${printable(relativePath)}': ${why}.`);
  if (relativePath.includes('\0')) throw refuse('it contains a NUL byte');
  if (relativePath.includes('\\')) throw refuse('backslashes are not allowed');
  if (relativePath.startsWith('/') || /^[A-Za-z]:/.test(relativePath)) throw refuse('it must be relative');
  if (Buffer.byteLength(relativePath) > maxArtifactPathBytes) throw refuse(`it is longer than ${maxArtifactPathBytes} bytes`);
  const segments = relativePath.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw refuse("'..' segments are not allowed");
  if (segments.some((segment) => Buffer.byteLength(segment) > maxNameBytes)) throw refuse(`a name in it is longer than ${maxNameBytes} bytes`);
  return segments;
}

/** The longest file name most file systems take (NAME_MAX). */
const maxNameBytes = 255;
/** Far past any real artifact path, well inside PATH_MAX (4096) with the store's own folders before it. */
const maxArtifactPathBytes = 1024;

/** File-system refusals that the client's path causes, as they read for the client (no server path). */
const pathRefusals: Readonly<Record<string, string>> = {
  ENAMETOOLONG: 'it is too long for the file system',
  EEXIST: 'a part of it is a file, not a folder',
  ENOTDIR: 'a part of it is a file, not a folder',
  EISDIR: 'it is a folder',
};

/**
 * Runs `operation` on `relativePath`, turning the file system's refusals of that path into 400
 * INVALID_PARAMETER_VALUE. Node's own messages name the absolute path, which the client must not see.
 */
async function refusedByPath<T>(relativePath: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const why = pathRefusals[(error as NodeJS.ErrnoException).code ?? ''];
    if (why === undefined || MlflowError.is(error)) throw error;
    throw invalidParameter(`Invalid artifact path '${printable(relativePath)}': ${why}.`);
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function printable(text: string): string {
  return text.replace(/\0/g, '\\0');
}

/** Copies a stream into a new file, failing (and leaving the caller to remove it) past `maxBytes`. */
function copyCapped(source: Readable, file: string, maxBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // flush: the bytes reach the disk before the rename publishes the file.
    const out = createWriteStream(file, { flags: 'wx', flush: true, mode: storeFileMode });
    let size = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      // The source is left paused, not destroyed: the caller still answers on its connection.
      source.off('data', onData);
      source.pause();
      out.destroy();
      out.once('close', () => reject(error));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        fail(invalidParameter(`artifact exceeds ${maxBytes} bytes`));
        return;
      }
      if (!out.write(chunk)) {
        source.pause();
        out.once('drain', () => source.resume());
      }
    };
    source.on('data', onData);
    source.once('end', () => {
      if (!failed) out.end();
    });
    source.once('error', fail);
    source.once('close', () => {
      if (!source.readableEnded) fail(new Error('the upload ended before its last byte'));
    });
    out.once('error', fail);
    // 'close' comes after the flush to disk and the file's closing, 'finish' before them.
    out.once('close', () => {
      if (!failed) resolve(size);
    });
  });
}
