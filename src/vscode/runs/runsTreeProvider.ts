import type * as vscode from 'vscode';
import { mergedEvent } from '../remote/mergedEvent';
import type { RemoteTree } from '../remote/remoteTree';
import { remoteTreeItem } from '../remote/remoteTreeItems';
import { isRemoteNode } from '../remote/remoteTreeNodes';
import type { RunsTreeModel } from './runsTreeModel';
import type { RunsTreeNode } from './runsTreeNodes';
import { treeItemOf } from './runTreeItems';

/** The Runs view's TreeDataProvider: the model's nodes, drawn by runTreeItems; remote servers' roots below them. */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode> {
  /** Fires with the nodes that changed (an array), or undefined for the whole tree. */
  readonly onDidChangeTreeData: vscode.Event<RunsTreeNode[] | undefined>;

  constructor(
    readonly model: RunsTreeModel,
    private readonly remote?: RemoteTree,
  ) {
    this.onDidChangeTreeData = remote ? mergedEvent<RunsTreeNode[] | undefined>(model.onDidChange, remote.onDidChange) : model.onDidChange;
  }

  async getChildren(node?: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (node && isRemoteNode(node)) return this.remote ? this.remote.children(node) : [];
    const nodes = await this.model.children(node);
    return node || !this.remote ? nodes : [...nodes, ...this.remote.serverNodes()];
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (isRemoteNode(node)) return remoteTreeItem(node, Date.now());
    return treeItemOf(node, {
      now: Date.now(),
      primaryMetric: (experimentId) => this.model.primaryMetric(experimentId),
      traceFilter: this.model.traceFilter,
    });
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    return isRemoteNode(node) ? node.parent : this.model.parentOf(node);
  }

  /** Reads everything again (the Refresh button). */
  refresh(): void {
    this.model.reload();
  }
}
