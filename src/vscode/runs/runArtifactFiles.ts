import { existsSync } from 'node:fs';
import path from 'node:path';
import { isPatchArtifact, runArtifacts } from '../../dashboards/codeState';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import type { Run } from '../../core/entities';
import type { WorkspaceStore } from '../../core/store/workspaceStore';

/** Where the launcher keeps the uncommitted diff it captured. */
const diffArtifact = 'runlens/diff.patch';
export const outputLogArtifact = runArtifacts.outputLog;

/** The file on disk behind one of the run's artifacts; undefined when the run has no such file here. */
export function artifactFile(store: WorkspaceStore, run: Run, relativePath: string): string | undefined {
  const root = storeRootOf(run.info.artifact_uri);
  if (root === undefined) return undefined;
  const file = path.join(store.artifacts.root, ...root.split('/'), ...relativePath.split('/'));
  return existsSync(file) ? file : undefined;
}

/** The captured diff: `runlens/diff.patch`, else the first other patch the launcher left in `runlens/`. */
export async function patchFile(store: WorkspaceStore, run: Run): Promise<string | undefined> {
  const exact = artifactFile(store, run, diffArtifact);
  if (exact) return exact;
  const root = storeRootOf(run.info.artifact_uri);
  if (root === undefined) return undefined;
  const folder = runArtifacts.launchFolder.replace(/\/$/, '');
  const entries = await store.artifacts.list(`${root}/${folder}`);
  const patch = entries.find((entry) => !entry.is_dir && isPatchArtifact(`${folder}/${entry.path}`));
  return patch && artifactFile(store, run, `${folder}/${patch.path}`);
}

/**
 * What purging removes on disk: the run's own folder (`<experiment>/<run>` holding `artifacts/`)
 * when its artifacts live in the store as the server lays them out, else just its artifact root.
 */
export function purgeablePath(run: Run): string | undefined {
  const root = storeRootOf(run.info.artifact_uri);
  if (root === undefined) return undefined;
  const suffix = `/${run.info.run_id}/artifacts`;
  return root.endsWith(suffix) ? root.slice(0, -'/artifacts'.length) : root;
}
