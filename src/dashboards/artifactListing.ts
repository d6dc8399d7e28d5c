import type { ArtifactItem, ArtifactListing } from '../protocol/dashboards/runRequests';
import type { ArtifactStore } from '../core/store/artifactStore';

/**
 * A run's artifacts, depth first (each folder followed by its contents, names sorted as the store
 * lists them), stopping at `maxItems` so that a run that logged a million files stays cheap.
 * Paths are relative to `root`, `/`-separated.
 */
export async function listArtifactsDeep(artifacts: Pick<ArtifactStore, 'list'>, root: string, maxItems: number): Promise<ArtifactListing> {
  const items: ArtifactItem[] = [];
  const visit = async (relativeDir: string): Promise<boolean> => {
    const entries = await artifacts.list(joinPath(root, relativeDir));
    for (const entry of entries) {
      if (items.length >= maxItems) return false;
      const path = joinPath(relativeDir, entry.path);
      items.push(entry.is_dir ? { path, isDir: true } : { path, isDir: false, ...sizeOf(entry.file_size) });
      if (entry.is_dir && !(await visit(path))) return false;
    }
    return true;
  };
  const complete = await visit('');
  return { items, truncated: !complete };
}

function joinPath(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

function sizeOf(size: number | undefined): { size?: number } {
  return size === undefined ? {} : { size };
}
