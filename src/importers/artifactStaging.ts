import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from '../core/launches/processAlive';

export interface CopyCounts {
  files: number;
  bytes: number;
}

/**
 * Artifact files on their way into the store: copied first into a staging folder beside the
 * store's artifact root (same file system, so moving them in is a rename), and moved into place
 * only once the import's transaction has committed. A cancelled or failed import discards the
 * staging folder, and the store's artifacts are as they were.
 */
export class ArtifactStaging {
  private constructor(
    private readonly root: string,
    private readonly dir: string,
  ) {}

  /** `root` is the store's artifact folder (`.runlens/artifacts`). */
  static async create(root: string): Promise<ArtifactStaging> {
    await removeAbandoned(root);
    const dir = `${path.resolve(root)}.import-${process.pid}-${randomBytes(6).toString('hex')}`;
    await mkdir(dir, { recursive: true });
    return new ArtifactStaging(path.resolve(root), dir);
  }

  /**
   * Copies the files under `from` to `to` (a store-relative folder). Files the store already has
   * at that place are left out, so copying again for runs imported before adds only what is missing.
   */
  async copyFolder(from: string, to: string, counts: CopyCounts, signal?: AbortSignal): Promise<void> {
    const walk = async (source: string, relative: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(source, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        signal?.throwIfAborted();
        const sourcePath = path.join(source, entry.name);
        const target = path.join(relative, entry.name);
        const kind = entry.isSymbolicLink() ? await stat(sourcePath).catch(() => undefined) : entry;
        if (kind?.isDirectory() && !entry.isSymbolicLink()) {
          await walk(sourcePath, target);
        } else if (kind?.isFile() && !(await exists(path.join(this.root, target)))) {
          const staged = path.join(this.dir, target);
          await mkdir(path.dirname(staged), { recursive: true });
          await copyFile(sourcePath, staged);
          counts.files += 1;
          counts.bytes += (await stat(staged)).size;
        }
      }
    };
    await walk(from, to);
  }

  /** Moves everything staged into the store, never replacing a file that is there already. */
  async publish(): Promise<void> {
    await mergeInto(this.dir, this.root);
  }

  /** Removes the staging folder and whatever is still in it (all of it when nothing was published). */
  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function mergeInto(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    const existing = await stat(target).catch(() => undefined);
    if (existing === undefined) {
      await mkdir(to, { recursive: true });
      await rename(source, target);
    } else if (existing.isDirectory() && entry.isDirectory()) {
      await mergeInto(source, target);
    }
  }
}

/** Staging folders of imports whose process is gone (killed mid-import) are garbage. */
async function removeAbandoned(root: string): Promise<void> {
  const parent = path.dirname(path.resolve(root));
  const prefix = `${path.basename(path.resolve(root))}.import-`;
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!(Number.isInteger(pid) && pid > 0 && isProcessAlive(pid))) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
