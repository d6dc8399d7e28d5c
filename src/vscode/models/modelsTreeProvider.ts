import * as vscode from 'vscode';
import { mergedEvent } from '../remote/mergedEvent';
import type { RemoteTree } from '../remote/remoteTree';
import { remoteTreeItem } from '../remote/remoteTreeItems';
import { isRemoteNode } from '../remote/remoteTreeNodes';
import { relativeTime } from '../runs/runFormat';
import { Disposable } from '../disposable';
import { folderItem, type PerFolder } from '../perFolder';
import type { ModelsTreeModel } from './modelsTreeModel';
import type { ModelsTreeNode, ModelVersionNode, RegisteredModelNode } from './modelsTreeNodes';

/** The Models view's TreeDataProvider: each folder's registered models, then versions with stage, aliases and source run; remote servers' roots below. */
export class ModelsTreeProvider extends Disposable implements vscode.TreeDataProvider<ModelsTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ModelsTreeNode[] | undefined>());
  readonly onDidChangeTreeData: vscode.Event<ModelsTreeNode[] | undefined>;

  constructor(
    readonly models: PerFolder<ModelsTreeModel>,
    private readonly remote?: RemoteTree,
  ) {
    super();
    this.register(models.onDidChangeFolders(() => this.changed.fire(undefined)));
    this.onDidChangeTreeData = remote ? mergedEvent<ModelsTreeNode[] | undefined>(this.changed.event, remote.onDidChange) : this.changed.event;
  }

  /** Forwards a folder's model's changes (each model calls this when it is made). */
  follow(model: ModelsTreeModel): void {
    model.onDidChange(() => this.changed.fire(undefined));
  }

  async getChildren(node?: ModelsTreeNode): Promise<ModelsTreeNode[]> {
    if (node && isRemoteNode(node)) return this.remote ? this.remote.children(node) : [];
    if (node?.kind === 'folder') return (await this.models.folderChildren(node, 'No registered models yet')) as ModelsTreeNode[];
    if (node) return (await this.models.ofNode(node)?.children(node)) ?? [];
    const nodes = (await this.models.roots()) as ModelsTreeNode[];
    return this.remote ? [...nodes, ...this.remote.serverNodes()] : nodes;
  }

  getParent(node: ModelsTreeNode): ModelsTreeNode | undefined {
    if (isRemoteNode(node)) return node.parent;
    if (node.kind === 'folder') return undefined;
    return this.models.ofNode(node)?.parentOf(node) ?? this.models.rootParent(node);
  }

  getTreeItem(node: ModelsTreeNode): vscode.TreeItem {
    if (isRemoteNode(node)) return remoteTreeItem(node, Date.now());
    switch (node.kind) {
      case 'folder':
        return folderItem(node, 'Registered models');
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
