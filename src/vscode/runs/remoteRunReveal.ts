import type { Run } from '../../core/entities';
import type { RemoteTree } from '../remote/remoteTree';
import type { RemoteRunNode } from '../remote/remoteTreeNodes';

/**
 * The Runs view's node for a run of a remote server, read afresh (the server's cached answers are
 * forgotten first, so a run that just ended shows as it is now): its experiment among the server's
 * first page of experiments, the run among that experiment's first page, newest first (nested under
 * its parent run when that is there too).
 */
export async function remoteRunNode(tree: RemoteTree, serverName: string, run: Run): Promise<RemoteRunNode | undefined> {
  const server = tree.serverNodes().find((node) => node.server.name === serverName);
  if (!server) return undefined;
  await tree.retry(server);
  const experiment = (await tree.children(server)).find(
    (node) => node.kind === 'remoteExperiment' && node.experiment.experimentId === run.info.experiment_id,
  );
  if (!experiment) return undefined;
  const runs = (await tree.children(experiment)).filter((node): node is RemoteRunNode => node.kind === 'remoteRun');
  for (let i = 0; i < runs.length; i += 1) {
    if (runs[i].run.runId === run.info.run_id) return runs[i];
    runs.push(...runs[i].childRuns);
  }
  return undefined;
}
