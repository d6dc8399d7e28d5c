import { createReadStream, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { storeRootOf } from '../store/runArtifactRoot';
import type { ArtifactStore } from '../store/artifactStore';

export interface ArtifactFileEntry {
  /** Relative to the run's (or model's) artifact root, `/`-separated. */
  readonly path: string;
  readonly size: number;
}

/** The files of one artifact root, wherever it is: in the store, or in a local folder an import referenced. */
export interface ArtifactFiles {
  list(): Promise<ArtifactFileEntry[]>;
  /** The file's bytes; the caller consumes or destroys the stream. */
  open(relativePath: string): Promise<{ readonly size: number; readonly stream: Readable }>;
}

/**
 * The artifact files behind an artifact URI: `mlflow-artifacts:` URIs are kept in the store (read
 * through ArtifactStore, which confines every path to it), `file:` URIs name a local folder (runs
 * imported with their artifacts referenced). Undefined for anything else (s3:, a remote server).
 */
export function artifactFilesOf(artifacts: ArtifactStore, uri: string): ArtifactFiles | undefined {
  const storeRoot = storeRootOf(uri);
  if (storeRoot !== undefined) return storeFiles(artifacts, storeRoot);
  if (uri.startsWith('file:')) return folderFiles(fileURLToPath(new URL(uri)));
  return undefined;
}

function storeFiles(artifacts: ArtifactStore, root: string): ArtifactFiles {
  const join = (relative: string) => (relative === '' ? root : `${root}/${relative}`);
  return {
    async list() {
      const found: ArtifactFileEntry[] = [];
      const walk = async (relative: string): Promise<void> => {
        for (const entry of await artifacts.list(join(relative))) {
          const child = relative === '' ? entry.path : `${relative}/${entry.path}`;
          if (entry.is_dir) await walk(child);
          else found.push({ path: child, size: entry.file_size ?? 0 });
        }
      };
      await walk('');
      return found;
    },
    open: (relative) => artifacts.read(join(relative)),
  };
}

/** The files under a local folder, as artifact paths relative to it. */
export function folderFiles(root: string): ArtifactFiles {
  return {
    async list() {
      const found: ArtifactFileEntry[] = [];
      const walk = async (relative: string): Promise<void> => {
        let entries: Dirent[];
        try {
          entries = await readdir(path.join(root, relative), { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
          if (entry.isDirectory()) await walk(child);
          else if (entry.isFile()) found.push({ path: child, size: (await stat(path.join(root, child))).size });
        }
      };
      await walk('');
      return found;
    },
    async open(relative) {
      const file = path.join(root, ...relative.split('/'));
      const info = await stat(file);
      return { size: info.size, stream: createReadStream(file) };
    },
  };
}

/**
 * `location` carried along when the artifact root it lies in has moved (`from` → `to`): a model
 * version's storage location follows the files of the run or logged model it points into.
 */
export function relocatedUri(location: string, moves: Iterable<readonly [from: string, to: string]>): string {
  for (const [from, to] of moves) {
    if (location === from || location.startsWith(`${from}/`)) return to + location.slice(from.length);
  }
  return location;
}
