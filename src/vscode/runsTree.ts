import * as vscode from 'vscode';
import { ContextKey } from './contributions';
import { Disposable } from './disposable';
import type { TrackingSession } from './trackingSession';

export interface ExperimentNode {
  readonly kind: 'experiment';
  readonly experimentId: string;
  readonly name: string;
  readonly runCount: number;
}

export interface RunNode {
  readonly kind: 'run';
  readonly runId: string;
  readonly name: string;
  readonly status: string;
  readonly startTime: number;
}

export interface MessageNode {
  readonly kind: 'message';
  readonly text: string;
}

export type RunsTreeNode = ExperimentNode | RunNode | MessageNode;

const statusIcons: Record<string, vscode.ThemeIcon> = {
  RUNNING: new vscode.ThemeIcon('loading~spin'),
  SCHEDULED: new vscode.ThemeIcon('clock'),
  FINISHED: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  FAILED: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  KILLED: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('testing.iconErrored')),
};

/**
 * The Runs view: experiments that have runs, then their runs, newest first. While the workspace
 * has no runs it returns nothing, so VS Code shows the welcome content (context key runlens.hasRuns).
 */
export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<RunsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly session: TrackingSession) {
    super();
    this.register(session.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (node?.kind === 'experiment') return this.runsOf(node.experimentId);
    if (node) return [];
    if (!this.session.storeExists()) return this.setHasRuns([]);
    const opened = await this.session.session();
    if (opened.kind === 'guest') {
      return this.setHasRuns([{ kind: 'message', text: `This workspace's runs are served by another RunLens process (pid ${opened.ownerPid}).` }]);
    }
    const experiments = opened.store.tracking
      .listExperiments()
      .map((e) => ({ kind: 'experiment' as const, experimentId: e.experiment_id, name: e.name, runCount: opened.store.tracking.countRuns(e.experiment_id) }))
      .filter((e) => e.runCount > 0);
    return this.setHasRuns(experiments);
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'experiment': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `experiment:${node.experimentId}`;
        item.description = `${node.runCount} run${node.runCount === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = 'experiment';
        return item;
      }
      case 'run': {
        const item = new vscode.TreeItem(node.name || node.runId.slice(0, 8), vscode.TreeItemCollapsibleState.None);
        item.id = `run:${node.runId}`;
        item.description = new Date(node.startTime).toLocaleString();
        item.tooltip = `${node.status} · ${node.runId}`;
        item.iconPath = statusIcons[node.status] ?? new vscode.ThemeIcon('circle-outline');
        item.contextValue = `run.${node.status.toLowerCase()}`;
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  private async runsOf(experimentId: string): Promise<RunNode[]> {
    const opened = await this.session.session();
    if (opened.kind !== 'owner') return [];
    return opened.store.tracking
      .searchRuns({ experimentIds: [experimentId], maxResults: 1000 })
      .runs.map((run) => ({ kind: 'run', runId: run.info.run_id, name: run.info.run_name, status: run.info.status, startTime: run.info.start_time }));
  }

  private async setHasRuns<T extends RunsTreeNode>(nodes: T[]): Promise<T[]> {
    await vscode.commands.executeCommand('setContext', ContextKey.HasRuns, nodes.length > 0);
    return nodes;
  }
}
