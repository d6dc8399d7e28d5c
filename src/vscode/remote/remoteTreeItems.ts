import * as vscode from 'vscode';
import { runStatuses, type RunStatus } from '../../core/entities';
import { CommandId } from '../contributions';
import { formatMetricValue, relativeTime } from '../runs/runFormat';
import { statusIcons } from '../runs/runTreeItems';
import type { RemoteNode, RemoteRunNode, RemoteSectionKind, RemoteVersionNode } from './remoteTreeNodes';

const sectionLooks: Record<RemoteSectionKind, { label: string; icon: string }> = {
  params: { label: 'Params', icon: 'symbol-parameter' },
  metrics: { label: 'Metrics', icon: 'graph-line' },
  tags: { label: 'Tags', icon: 'tag' },
  systemTags: { label: 'Set by MLflow and RunLens', icon: 'gear' },
};

const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
const leaf = vscode.TreeItemCollapsibleState.None;

/** Maps a remote node to what VS Code draws; no reads. Context values start with `remote` so no local action applies. */
export function remoteTreeItem(node: RemoteNode, now: number): vscode.TreeItem {
  switch (node.kind) {
    case 'remoteServer': {
      const item = looks(new vscode.TreeItem(node.server.name, collapsed), node.id, 'cloud', 'remoteServer');
      item.description = node.server.url;
      item.tooltip = `Remote MLflow server ${node.server.name}\n${node.server.url}`;
      return item;
    }
    case 'remoteExperiment': {
      const item = looks(new vscode.TreeItem(node.experiment.name, collapsed), node.id, 'beaker', 'remoteExperiment');
      item.tooltip = `${node.experiment.name}\nExperiment ${node.experiment.experimentId} on ${node.parent.server.name}`;
      return item;
    }
    case 'remoteRun':
      return runItem(node, now);
    case 'remoteSection': {
      const { label, icon } = sectionLooks[node.section];
      return looks(new vscode.TreeItem(label, collapsed), node.id, icon, 'remoteSection');
    }
    case 'remoteField': {
      const item = looks(new vscode.TreeItem(node.key, leaf), node.id, undefined, 'remoteField');
      item.description = node.value;
      item.tooltip = `${node.key} = ${node.value}`;
      return item;
    }
    case 'remoteModel': {
      const { model } = node;
      const item = looks(new vscode.TreeItem(model.name, collapsed), node.id, 'package', 'remoteModel');
      const aliases = model.aliases.map((a) => `@${a.alias}`).join(' ');
      item.description = [model.latestVersion ? `latest v${model.latestVersion}` : '', aliases].filter(Boolean).join(' · ');
      item.tooltip = [model.name, model.description, aliases && `Aliases: ${aliases}`].filter(Boolean).join('\n');
      return item;
    }
    case 'remoteVersion':
      return versionItem(node, now);
    case 'remoteLoadMore': {
      const item = looks(new vscode.TreeItem('Load more…', leaf), node.id, 'more', 'remoteLoadMore');
      item.description = `${node.loaded} loaded`;
      item.command = { command: CommandId.LoadMoreRemote, title: 'Load More', arguments: [node] };
      return item;
    }
    case 'remoteMessage': {
      const item = looks(new vscode.TreeItem(node.text, leaf), node.id, node.isError ? 'warning' : 'info', 'remoteMessage');
      item.tooltip = node.detail ?? node.text;
      if (node.isError) item.command = { command: CommandId.RefreshRemoteServer, title: 'Retry', arguments: [node] };
      return item;
    }
  }
}

function runItem(node: RemoteRunNode, now: number): vscode.TreeItem {
  const { run } = node;
  const item = looks(new vscode.TreeItem(run.name, collapsed), node.id, undefined, 'remoteRun');
  const latest = [...run.metrics].sort((a, b) => a.key.localeCompare(b.key))[0];
  item.description = [latest ? `${latest.key} ${formatMetricValue(latest.value)}` : '', run.startTime ? relativeTime(run.startTime, now) : '']
    .filter(Boolean)
    .join(' · ');
  item.iconPath = isRunStatus(run.status) ? statusIcons[run.status] : new vscode.ThemeIcon('circle-outline');
  item.tooltip = [
    `${run.name} (${run.status})`,
    `Run ${run.runId}`,
    run.userId && `User: ${run.userId}`,
    run.startTime ? `Started ${new Date(run.startTime).toLocaleString()}` : '',
    ...run.params.slice(0, 5).map((p) => `${p.key} = ${p.value}`),
    ...run.metrics.slice(0, 5).map((m) => `${m.key}: ${formatMetricValue(m.value)}`),
  ]
    .filter(Boolean)
    .join('\n');
  return item;
}

function versionItem(node: RemoteVersionNode, now: number): vscode.TreeItem {
  const { version } = node;
  const item = looks(new vscode.TreeItem(`Version ${version.version}`, leaf), node.id, version.aliases.length > 0 ? 'bookmark' : 'versions', 'remoteVersion');
  item.description = [
    version.stage !== 'None' ? version.stage : '',
    version.aliases.map((alias) => `@${alias}`).join(' '),
    version.creationTimestamp ? relativeTime(version.creationTimestamp, now) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  item.tooltip = [
    `${version.name} version ${version.version}`,
    `Stage: ${version.stage}`,
    version.runId ? `Source run: ${version.runId}` : 'No source run',
    `Source: ${version.source}`,
  ].join('\n');
  return item;
}

function looks(item: vscode.TreeItem, id: string, icon: string | undefined, contextValue: string): vscode.TreeItem {
  item.id = id;
  if (icon) item.iconPath = new vscode.ThemeIcon(icon);
  item.contextValue = contextValue;
  return item;
}

function isRunStatus(status: string): status is RunStatus {
  return (runStatuses as readonly string[]).includes(status);
}
