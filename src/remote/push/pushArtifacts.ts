import { createHash } from 'node:crypto';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import type { ArtifactFileEntry, ArtifactFiles } from '../../core/export/artifactFiles';
import type { MlflowRestClient } from '../client/mlflowRestClient';

export interface UploadCounts {
  files: number;
  bytes: number;
}

/** Paths and sizes: what changes when an artifact is added or rewritten. */
export function artifactsFingerprint(entries: readonly ArtifactFileEntry[]): string {
  const hash = createHash('sha1');
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`${entry.path}\0${entry.size}\0`);
  return hash.digest('hex');
}

/**
 * Uploads the local files the server lacks (or holds with another size) under the remote artifact
 * root. Only servers that proxy artifacts (`mlflow-artifacts:` URIs, `mlflow server` with
 * --serve-artifacts, the default) take uploads; for any other remote URI this says why not.
 */
export async function uploadMissingArtifacts(
  client: MlflowRestClient,
  local: readonly ArtifactFileEntry[],
  files: ArtifactFiles,
  remoteUri: string,
  counts: UploadCounts,
  signal?: AbortSignal,
): Promise<void> {
  const remoteRoot = storeRootOf(remoteUri);
  if (remoteRoot === undefined) {
    throw new Error(`the server keeps this run's artifacts at ${remoteUri}, which RunLens cannot write; start it with --serve-artifacts`);
  }
  const remote = await listRemote(client, remoteRoot);
  for (const entry of local) {
    signal?.throwIfAborted();
    if (remote.get(entry.path) === entry.size) continue;
    await client.uploadArtifact(`${remoteRoot}/${entry.path}`, () => files.open(entry.path));
    counts.files += 1;
    counts.bytes += entry.size;
  }
}

async function listRemote(client: MlflowRestClient, root: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await client.listArtifacts(relative === '' ? root : `${root}/${relative}`)) {
      const child = relative === '' ? entry.path : `${relative}/${entry.path}`;
      if (entry.is_dir) await walk(child);
      else sizes.set(child, entry.file_size ?? -1);
    }
  };
  await walk('');
  return sizes;
}
