import * as vscode from 'vscode';
import { mergedEvent } from '../remote/mergedEvent';
import type { RemoteTree } from '../remote/remoteTree';
import { remoteTreeItem } from '../remote/remoteTreeItems';
import { isRemoteNode } from '../remote/remoteTreeNodes';
import { relativeTime } from '../runs/runFormat';
import type { ModelsTreeModel } from './modelsTreeModel';
import type { ModelsTreeNode, ModelVersionNode, RegisteredModelNode } from './modelsTreeNodes';

/** The Models view's TreeDataProvider: registered models, then versions with stage, aliases and source run; remote servers' roots below. */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsTreeNode> {
  readonly onDidChangeTreeData: vscode.Event<ModelsTreeNode[] | undefined>;

  constructor(
    readonly model: ModelsTreeModel,
    private readonly remote?: RemoteTree,
  ) {
    this.onDidChangeTreeData = remote ? mergedEvent<ModelsTreeNode[] | undefined>(model.onDidChange, remote.onDidChange) : model.onDidChange;
  }

  async getChildren(node?: ModelsTreeNode): Promise<ModelsTreeNode[]> {
    if (node && isRemoteNode(node)) return this.remote ? this.remote.children(node) : [];
    const nodes = await this.model.children(node);
    return node || !this.remote ? nodes : [...nodes, ...this.remote.serverNodes()];
  }

  getParent(node: ModelsTreeNode): ModelsTreeNode | undefined {
    return isRemoteNode(node) ? node.parent : this.model.parentOf(node);
  }

  getTreeItem(node: ModelsTreeNode): vscode.TreeItem {
    if (isRemoteNode(node)) return remoteTreeItem(node, Date.now());
    switch (node.kind) {
      case 'model':
        return modelItem(node);
      case 'version':
        return versionItem(node, Date.now());
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }
}

function modelItem(node: RegisteredModelNode): vscode.TreeItem {
  const { model } = node;
  const item = new vscode.TreeItem(model.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  const aliases = model.aliases.map((a) => `@${a.alias}`).join(' ');
  const latest = Math.max(0, ...model.latestVersions.map((v) => v.version));
  item.description = [latest > 0 ? `latest v${latest}` : 'no versions', aliases].filter(Boolean).join(' · ');
  item.tooltip = [model.name, model.description, aliases && `Aliases: ${aliases}`].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('package');
  item.contextValue = 'registeredModel';
  return item;
}

/** `modelVersion`, plus `.hasRun` and `.hasAlias` when they apply: the menus' `when` clauses match on them. */
function versionContextValue(node: ModelVersionNode): string {
  const { version } = node;
  return `modelVersion${version.runId ? '.hasRun' : ''}${version.aliases.length > 0 ? '.hasAlias' : ''}`;
}

function versionItem(node: ModelVersionNode, now: number): vscode.TreeItem {
  const { version } = node;
  const item = new vscode.TreeItem(`Version ${version.version}`, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const parts = [
    version.currentStage !== 'None' ? version.currentStage : '',
    version.aliases.map((alias) => `@${alias}`).join(' '),
    relativeTime(version.creationTimestamp, now),
  ];
  item.description = parts.filter(Boolean).join(' · ');
  item.tooltip = [
    `${version.name} version ${version.version}`,
    `Stage: ${version.currentStage}`,
    version.aliases.length > 0 ? `Aliases: ${version.aliases.join(', ')}` : 'No aliases',
    version.runId ? `Source run: ${version.runId}` : 'No source run',
    `Source: ${version.source}`,
    `Created ${new Date(version.creationTimestamp).toLocaleString()}`,
    version.description,
  ]
    .filter(Boolean)
    .join('\n');
  item.iconPath = new vscode.ThemeIcon(version.aliases.length > 0 ? 'bookmark' : 'versions');
  item.contextValue = versionContextValue(node);
  return item;
}
