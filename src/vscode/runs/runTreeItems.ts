import * as vscode from 'vscode';
import { SweepTag } from '../../core/sweeps/sweepTags';
import { folderItem } from '../perFolder';
import type { RunStatus } from '../../core/entities';
import { ColorId, CommandId } from '../contributions';
import { formatBytes, formatMetricValue, relativeTime } from './runFormat';
import { sectionSize } from './runSections';
import type { ArtifactNode, ExperimentNode, FieldNode, LocalRunsTreeNode, RunNode, SectionKind, SectionNode } from './runsTreeNodes';
import { runTooltipMarkdown } from './runTooltip';
import { traceItem, tracesItem } from '../traces/traceTreeItems';

/** What an item needs beyond its node: the time (for "3 min ago"), each experiment's primary metric, the trace filter. */
export interface ItemContext {
  readonly now: number;
  primaryMetric(experimentId: string): string | undefined;
  readonly traceFilter: string;
}

export const statusIcons: Record<RunStatus, vscode.ThemeIcon> = {
  RUNNING: new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor(ColorId.RunRunning)),
  SCHEDULED: new vscode.ThemeIcon('clock'),
  FINISHED: new vscode.ThemeIcon('pass', new vscode.ThemeColor(ColorId.RunFinished)),
  FAILED: new vscode.ThemeIcon('error', new vscode.ThemeColor(ColorId.RunFailed)),
  KILLED: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor(ColorId.RunKilled)),
};

const sectionLooks: Record<SectionKind, { label: string; icon: string }> = {
  params: { label: 'Params', icon: 'symbol-parameter' },
  metrics: { label: 'Metrics', icon: 'graph-line' },
  tags: { label: 'Tags', icon: 'tag' },
  systemTags: { label: 'Set by MLflow and RunLens', icon: 'gear' },
  artifacts: { label: 'Artifacts', icon: 'files' },
  source: { label: 'Source', icon: 'source-control' },
};

const sourceIcons: Record<string, string> = {
  file: 'file-code',
  commit: 'git-commit',
  branch: 'git-branch',
  dirty: 'diff',
  repository: 'repo',
  command: 'terminal',
};

/** Maps a node to what VS Code draws; no reads, no side effects. */
export function treeItemOf(node: LocalRunsTreeNode, context: ItemContext): vscode.TreeItem {
  switch (node.kind) {
    case 'folder':
      return folderItem(node, 'Runs');
    case 'experiment':
      return experimentItem(node);
    case 'run':
      return runItem(node, context);
    case 'section':
      return sectionItem(node);
    case 'field':
      return fieldItem(node);
    case 'artifact':
      return artifactItem(node);
    case 'loadMore': {
      const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.description = `${node.loaded} loaded, ${node.pageSize} more`;
      item.iconPath = new vscode.ThemeIcon('more');
      item.contextValue = 'loadMore';
      item.command = { command: CommandId.LoadMoreRuns, title: 'Load More Runs', arguments: [node.parent] };
      return item;
    }
    case 'traces':
      return tracesItem(node, context.traceFilter);
    case 'trace':
      return traceItem(node, context.now);
    case 'message': {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.tooltip = node.detail ?? node.text;
      item.iconPath = new vscode.ThemeIcon(node.text.startsWith('Error') ? 'warning' : 'info');
      item.contextValue = 'message';
      return item;
    }
  }
}

function experimentItem(node: ExperimentNode): vscode.TreeItem {
  const state = node.expandedAtFirst ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(node.name, state);
  item.id = node.id;
  item.description = experimentRunCount(node);
  item.tooltip = `${node.name}\nExperiment ${node.experimentId} · ${item.description}${node.matchCount === undefined ? '' : ' match the filter'}`;
  item.iconPath = new vscode.ThemeIcon('beaker');
  item.contextValue = 'experiment';
  return item;
}

/** "3 runs"; while filtered, "1 of 3 runs". */
export function experimentRunCount(node: Pick<ExperimentNode, 'runCount' | 'matchCount'>): string {
  const runs = `${node.runCount} run${node.runCount === 1 ? '' : 's'}`;
  return node.matchCount === undefined ? runs : `${node.matchCount} of ${runs}`;
}

/** `run.<status>`, with `.deleted` for a deleted run and `.sweep` for a sweep's parent run: the menus' `when` clauses match on it. */
function runContextValue(node: RunNode): string {
  const sweep = !node.deleted && sweepProgressOf(node.run) !== undefined;
  return `run.${node.status.toLowerCase()}${node.deleted ? '.deleted' : ''}${sweep ? '.sweep' : ''}`;
}

/** A sweep's parent run carries its queue's progress (done, running, failed, queued). */
function sweepProgressOf(run: RunNode['run']): string | undefined {
  return run.data.tags?.find((tag) => tag.key === SweepTag.Progress)?.value;
}

function runItem(node: RunNode, context: ItemContext): vscode.TreeItem {
  const { info, data } = node.run;
  const item = new vscode.TreeItem(info.run_name || info.run_id.slice(0, 8), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  const parts: string[] = [];
  if (node.deleted) parts.push('deleted');
  const progress = sweepProgressOf(node.run);
  if (progress !== undefined) parts.push(progress);
  const key = context.primaryMetric(info.experiment_id);
  const metric = key === undefined ? undefined : data.metrics?.find((m) => m.key === key);
  if (metric) parts.push(`${metric.key} ${formatMetricValue(metric.value)}`);
  parts.push(relativeTime(info.start_time, context.now));
  item.description = parts.join(' · ');
  const tooltip = new vscode.MarkdownString(runTooltipMarkdown(node.run, context.now), false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  item.tooltip = tooltip;
  item.iconPath = node.deleted ? new vscode.ThemeIcon('trash') : (statusIcons[info.status] ?? new vscode.ThemeIcon('circle-outline'));
  item.contextValue = runContextValue(node);
  return item;
}

function sectionItem(node: SectionNode): vscode.TreeItem {
  const look = sectionLooks[node.section];
  const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.description = sectionDescription(node);
  item.iconPath = new vscode.ThemeIcon(look.icon);
  item.contextValue = `section.${node.section}`;
  return item;
}

/** How many entries a section holds; tags count their system ones apart ("2 (+5 system)"). */
function sectionDescription(node: SectionNode): string | undefined {
  const size = sectionSize(node.run.run, node.section);
  if (node.section !== 'tags' || size === undefined) return size === undefined ? undefined : String(size);
  const system = sectionSize(node.run.run, 'systemTags') ?? 0;
  if (system === 0) return String(size);
  return size === 0 ? `${system} system` : `${size} (+${system} system)`;
}

function fieldItem(node: FieldNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = node.value;
  item.tooltip = node.detail ?? `${node.label}: ${node.value}`;
  if (node.role === 'source') item.iconPath = new vscode.ThemeIcon(sourceIcons[node.key] ?? 'info');
  item.contextValue = node.role === 'tag' ? 'runTag' : node.role;
  if (node.action) item.command = { ...node.action };
  return item;
}

function artifactItem(node: ArtifactNode): vscode.TreeItem {
  const name = node.path.slice(node.path.lastIndexOf('/') + 1);
  const uri = vscode.Uri.file(node.fsPath);
  const item = new vscode.TreeItem(name, node.isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  // With a resourceUri the file icon theme picks the icon, as in the Explorer.
  item.resourceUri = uri;
  item.iconPath = node.isDir ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
  if (node.size !== undefined) item.description = formatBytes(node.size);
  item.tooltip = node.path;
  item.contextValue = node.isDir ? 'artifactFolder' : 'artifact';
  // vscode.open shows images in the image preview and text in an editor.
  if (!node.isDir) item.command = { command: 'vscode.open', title: 'Open Artifact', arguments: [uri] };
  return item;
}
