import { rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { artifactPathSegments } from '../store/artifactStore';
import { makeStoreDir, requireStoreFolder, storeFileMode } from '../store/fileSync';

/** The folder of `.runlens/` where launches keep their files. */
export const launchesFolder = 'launches';

/**
 * The files a launch gives each of its runs as artifacts (the diff, the script's copy, the package
 * list, the output log), kept in `.runlens/launches/<launch id>/` under their artifact paths until
 * the launch is over. Runs the script creates later get them too, so they live apart from any run.
 */
export class LaunchFiles {
  constructor(private readonly root: string) {}

  folder(launchId: string): string {
    if (!/^[0-9a-f]{32}$/.test(launchId)) throw new Error(`not a launch id: ${launchId}`);
    return path.join(this.root, launchId);
  }

  /** Where the artifact `artifactPath` of the launch is kept; the path follows the artifact store's rules. */
  path(launchId: string, artifactPath: string): string {
    return path.join(this.folder(launchId), ...artifactPathSegments(artifactPath));
  }

  write(launchId: string, artifactPath: string, content: string | Buffer): string {
    const file = this.path(launchId, artifactPath);
    // A launch's late file (the package list comes after the script may have ended) never recreates a deleted store.
    requireStoreFolder(this.root);
    makeStoreDir(path.dirname(file));
    writeFileSync(file, content, { mode: storeFileMode });
    return file;
  }

  /** Every file of the launch, as artifact paths (POSIX), sorted; none when the folder is gone. */
  async list(launchId: string): Promise<string[]> {
    const folder = this.folder(launchId);
    const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort();
  }

  remove(launchId: string): void {
    rmSync(this.folder(launchId), { recursive: true, force: true });
  }
}
