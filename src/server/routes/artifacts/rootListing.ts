import type { ArtifactEntry, ArtifactStore } from '../../../core/store/artifactStore';
import { storePathOf } from './artifactRoots';

/** A listing relative to a run's or model's artifact root: paths include the listed folder. */
export async function listUnder(
  artifacts: ArtifactStore,
  rootUri: string,
  relative: string,
): Promise<Record<string, unknown>> {
  const prefix = relative.replace(/^\/+|\/+$/g, '');
  const entries = await artifacts.list(joinPath(storePathOf(rootUri), prefix));
  const files = entries.map((entry) => ({ ...entry, path: joinPath(prefix, entry.path) }));
  return { root_uri: rootUri, ...filesReply(files) };
}

// proto3 JSON leaves out an empty repeated field: MLflow answers `{}` for an empty listing.
export function filesReply(files: readonly ArtifactEntry[]): Record<string, unknown> {
  return files.length === 0 ? {} : { files };
}

export function joinPath(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}
