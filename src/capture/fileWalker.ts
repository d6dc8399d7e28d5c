import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Folders never worth fingerprinting: version control, dependencies, RunLens's own store. */
export const skippedFolders: ReadonlySet<string> = new Set(['.git', 'node_modules', '.runlens']);

export interface WalkedFile {
  /** Relative to the walk's root, POSIX separators. */
  readonly relative: string;
  readonly absolute: string;
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The files under `root/start`, depth first, each folder's entries sorted by name, so every walk of
 * the same tree yields the same order. Symbolic links are followed (data folders are often links to
 * another disk), each real folder once, so a link cycle ends. Unreadable folders are skipped.
 */
export async function* walkFiles(root: string, start = '', signal?: AbortSignal): AsyncGenerator<WalkedFile> {
  const visited = new Set<string>();
  const startAbsolute = path.join(root, ...start.split('/').filter(Boolean));
  const startStats = await stat(startAbsolute).catch(() => undefined);
  if (!startStats) return;
  if (!startStats.isDirectory()) {
    yield { relative: start, absolute: startAbsolute };
    return;
  }

  async function* walkFolder(relative: string, absolute: string): AsyncGenerator<WalkedFile> {
    const real = await realpath(absolute).catch(() => undefined);
    if (real === undefined || visited.has(real)) return;
    visited.add(real);
    const entries = await readdir(absolute, { withFileTypes: true }).catch(() => [] as Dirent[]);
    for (const entry of entries.sort(byName)) {
      signal?.throwIfAborted();
      const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
      const childAbsolute = path.join(absolute, entry.name);
      let isFolder = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(childAbsolute).catch(() => undefined);
        isFolder = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isFolder && !skippedFolders.has(entry.name)) yield* walkFolder(childRelative, childAbsolute);
      else if (isFile) yield { relative: childRelative, absolute: childAbsolute };
    }
  }

  yield* walkFolder(start, startAbsolute);
}
