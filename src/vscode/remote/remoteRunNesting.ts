import type { RemoteRunSummary } from '../../remote/browse/remoteRecords';
import { runTags } from '../../core/runs/runTagValues';
import { parentsWithin } from '../../core/search/runsQuery';
import type { RemoteExperimentNode, RemoteRunNode } from './remoteTreeNodes';

/**
 * The loaded runs of a remote experiment as the local tree shows runs: each under its parent
 * (tag mlflow.parentRunId) when the parent is loaded too, else at the top. Returns the top ones,
 * in the order given (newest first); a run whose parent is on a page not yet loaded moves under
 * it once that page is.
 */
export function nestRemoteRuns(experiment: RemoteExperimentNode, runs: readonly RemoteRunSummary[]): RemoteRunNode[] {
  const parents = parentsWithin(runs, (run) => run.tags.find((tag) => tag.key === runTags.parentRunId)?.value || undefined, (run) => run.runId);
  const byId = new Map(runs.map((run) => [run.runId, run] as const));
  const nodes = new Map<string, RemoteRunNode>();
  const top: RemoteRunNode[] = [];
  const place = (run: RemoteRunSummary): RemoteRunNode => {
    const known = nodes.get(run.runId);
    if (known) return known;
    const parentId = parents.get(run.runId);
    const parentRun = parentId === undefined ? undefined : byId.get(parentId);
    const parent = parentRun ? place(parentRun) : experiment;
    const node: RemoteRunNode = { kind: 'remoteRun', id: `${experiment.id}/run/${run.runId}`, parent, run, childRuns: [] };
    nodes.set(run.runId, node);
    return node;
  };
  for (const run of runs) {
    const node = place(run);
    if (node.parent === experiment) top.push(node);
  }
  // Children in the order given, whatever order their parents were placed in.
  for (const run of runs) {
    const node = nodes.get(run.runId)!;
    if (node.parent !== experiment) (node.parent as RemoteRunNode).childRuns.push(node);
  }
  return top;
}
