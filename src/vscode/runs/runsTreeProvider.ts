import type * as vscode from 'vscode';
import type { RunsTreeModel } from './runsTreeModel';
import type { RunsTreeNode } from './runsTreeNodes';
import { treeItemOf } from './runTreeItems';

/** The Runs view's TreeDataProvider: the model's nodes, drawn by runTreeItems. */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode> {
  /** Fires with the nodes that changed (an array), or undefined for the whole tree. */
  readonly onDidChangeTreeData: vscode.Event<RunsTreeNode[] | undefined>;

  constructor(readonly model: RunsTreeModel) {
    this.onDidChangeTreeData = model.onDidChange;
  }

  getChildren(node?: RunsTreeNode): Promise<RunsTreeNode[]> {
    return this.model.children(node);
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    return treeItemOf(node, { now: Date.now(), primaryMetric: (experimentId) => this.model.primaryMetric(experimentId) });
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    return this.model.parentOf(node);
  }

  /** Reads everything again (the Refresh button). */
  refresh(): void {
    this.model.reload();
  }
}
