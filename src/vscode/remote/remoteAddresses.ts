import { normalizeServerUrl } from '../../remote/client/remoteServer';
import { remoteAddress } from '../../protocol/runAddress';
import { isRemoteNode, serverOf, type RemoteNode } from './remoteTreeNodes';

/** The dashboards' address of the remote run a node belongs to (the run, one of its sections or fields). */
export function remoteRunAddressOf(value: unknown): string | undefined {
  let node = asRemoteNode(value);
  while (node?.kind === 'remoteField' || node?.kind === 'remoteSection') node = node.parent;
  return node?.kind === 'remoteRun' ? addressOn(node, node.run.runId) : undefined;
}

/** The dashboards' address of a remote experiment node. */
export function remoteExperimentAddressOf(value: unknown): string | undefined {
  const node = asRemoteNode(value);
  return node?.kind === 'remoteExperiment' ? addressOn(node, node.experiment.experimentId) : undefined;
}

function asRemoteNode(value: unknown): RemoteNode | undefined {
  return typeof value === 'object' && value !== null && 'kind' in value && isRemoteNode(value as { kind: string }) ? (value as RemoteNode) : undefined;
}

function addressOn(node: RemoteNode, id: string): string | undefined {
  try {
    return remoteAddress(normalizeServerUrl(serverOf(node).server.url), id);
  } catch {
    return undefined; // a malformed URL in the setting: its node shows why
  }
}
