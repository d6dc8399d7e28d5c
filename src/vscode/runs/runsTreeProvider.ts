import * as vscode from 'vscode';
import { ContextKey } from '../contributions';
import { mergedEvent } from '../remote/mergedEvent';
import type { RemoteTree } from '../remote/remoteTree';
import { remoteTreeItem } from '../remote/remoteTreeItems';
import { isRemoteNode } from '../remote/remoteTreeNodes';
import type { RunsFolders } from './runsFolders';
import type { RunsTreeNode } from './runsTreeNodes';
import { treeItemOf } from './runTreeItems';

/** The Runs view's TreeDataProvider: the workspace folders' nodes, drawn by runTreeItems; remote servers' roots below them. */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode> {
  /** Fires with the nodes that changed (an array), or undefined for the whole tree. */
  readonly onDidChangeTreeData: vscode.Event<RunsTreeNode[] | undefined>;

  constructor(
    readonly folders: RunsFolders,
    private readonly remote?: RemoteTree,
  ) {
    this.onDidChangeTreeData = remote ? mergedEvent<RunsTreeNode[] | undefined>(folders.onDidChange, remote.onDidChange) : folders.onDidChange;
  }

  async getChildren(node?: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (node && isRemoteNode(node)) return this.remote ? this.remote.children(node) : [];
    if (node) return this.folders.children(node);
    const nodes = await this.folders.roots();
    // The welcome content shows while the workspace has nothing of its own to list.
    await vscode.commands.executeCommand('setContext', ContextKey.HasRuns, nodes.length > 0);
    return this.remote ? [...nodes, ...this.remote.serverNodes()] : nodes;
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (isRemoteNode(node)) return remoteTreeItem(node, Date.now());
    const model = this.folders.modelOf(node);
    return treeItemOf(node, { now: Date.now(), primaryMetric: (experimentId) => model?.primaryMetric(experimentId),
      traceFilter: model?.traceFilter ?? '',
    });
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    return isRemoteNode(node) ? node.parent : this.folders.parentOf(node);
  }

  /** Reads everything again (the Refresh button). */
  refresh(): void {
    for (const model of this.folders.all()) model.reload();
  }
}
