import { existsSync } from 'node:fs';
import path from 'node:path';
import { isPatchArtifact, runArtifacts } from '../../dashboards/codeState';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import type { Run } from '../../core/entities';
import type { StoreAccess } from '../storeAccess';

/** Where the launcher keeps the uncommitted diff it captured. */
const diffArtifact = 'runlens/diff.patch';
export const outputLogArtifact = runArtifacts.outputLog;

/** The file on disk behind one of the run's artifacts; undefined when the run has no such file here. */
export function artifactFile(access: StoreAccess, run: Run, relativePath: string): string | undefined {
  const root = storeRootOf(run.info.artifact_uri);
  if (root === undefined) return undefined;
  const file = path.join(access.artifactsRoot, ...root.split('/'), ...relativePath.split('/'));
  return existsSync(file) ? file : undefined;
}

/** The captured diff: `runlens/diff.patch`, else the first other patch the launcher left in `runlens/`. */
export async function patchFile(access: StoreAccess, run: Run): Promise<string | undefined> {
  const exact = artifactFile(access, run, diffArtifact);
  if (exact) return exact;
  const root = storeRootOf(run.info.artifact_uri);
  if (root === undefined) return undefined;
  const folder = runArtifacts.launchFolder.replace(/\/$/, '');
  const entries = await access.call('listArtifacts', { path: `${root}/${folder}` });
  const patch = entries.find((entry) => !entry.is_dir && isPatchArtifact(`${folder}/${entry.path}`));
  return patch && artifactFile(access, run, `${folder}/${patch.path}`);
}
