import path from 'node:path';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import type { StoreAccess } from '../storeAccess';
import type { ArtifactNode, RunNode, RunsTreeNode, SectionNode } from './runsTreeNodes';

/** One folder of a run's artifacts (its Artifacts section, or a folder in it), listed from the store. */
export async function artifactNodes(access: StoreAccess, run: RunNode, parent: SectionNode | ArtifactNode): Promise<RunsTreeNode[]> {
  const root = storeRootOf(run.run.info.artifact_uri);
  if (root === undefined) {
    return [{ kind: 'message', id: `${parent.id}/elsewhere`, parent, text: `Kept outside this store: ${run.run.info.artifact_uri}` }];
  }
  const dir = parent.kind === 'artifact' ? parent.path : '';
  const entries = await access.call('listArtifacts', { path: [root, dir].filter(Boolean).join('/') });
  if (entries.length === 0 && parent.kind === 'section') return [{ kind: 'message', id: `${parent.id}/none`, parent, text: 'No artifacts' }];
  return entries.map((entry): ArtifactNode => {
    const relative = dir ? `${dir}/${entry.path}` : entry.path;
    return {
      kind: 'artifact',
      id: `${run.id}/artifacts/${relative}`,
      run,
      parent,
      path: relative,
      isDir: entry.is_dir,
      ...(entry.file_size === undefined ? {} : { size: entry.file_size }),
      fsPath: path.join(access.artifactsRoot, ...root.split('/'), ...relative.split('/')),
    };
  });
}
