import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { PerFolder } from '../perFolder';
import type { WorkspaceSessions } from '../workspaceSessions';
import { RunsTreeModel } from './runsTreeModel';
import type { RunsTreeNode } from './runsTreeNodes';
import type { RunsViewState } from './runsViewState';

/**
 * The Runs view's local part, one RunsTreeModel per workspace folder (each reads its folder's
 * store). With one folder its experiments are the roots, as they always were; with several, each
 * folder is a root with its experiments below. Follows folders added and removed.
 */
export class RunsFolders extends Disposable {
  private readonly models: PerFolder<RunsTreeModel>;
  /** The Traces groups' filter, the same in every folder (a folder added later gets it too). */
  private traceFilterValue = '';
  private readonly changed = this.register(new vscode.EventEmitter<RunsTreeNode[] | undefined>());
  /** The nodes that changed, in any folder; undefined: everything. */
  readonly onDidChange = this.changed.event;

  constructor(sessions: WorkspaceSessions, state: RunsViewState, pageSize: () => number) {
    super();
    this.models = this.register(
      new PerFolder(sessions, (session) => {
        const model = new RunsTreeModel(session, state, pageSize);
        model.setTraceFilter(this.traceFilterValue);
        model.onDidChange((nodes) => this.changed.fire(nodes));
        return model;
      }),
    );
    this.register(this.models.onDidChangeFolders(() => this.changed.fire(undefined)));
  }

  get traceFilter(): string {
    return this.traceFilterValue;
  }

  setTraceFilter(filter: string): void {
    this.traceFilterValue = filter;
    for (const model of this.all()) model.setTraceFilter(filter);
  }

  /** Every folder's model, in the order of the workspace folders. */
  all(): RunsTreeModel[] {
    return this.models.all();
  }

  roots(): Promise<RunsTreeNode[]> {
    return this.models.roots() as Promise<RunsTreeNode[]>;
  }

  async children(node: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (node.kind === 'folder') return (await this.models.folderChildren(node, 'No runs yet: Run tracked on a script of this folder')) as RunsTreeNode[];
    return (await this.models.ofNode(node)?.children(node)) ?? [];
  }

  parentOf(node: RunsTreeNode): RunsTreeNode | undefined {
    if (node.kind === 'folder') return undefined;
    return this.models.ofNode(node)?.parentOf(node) ?? this.models.rootParent(node);
  }

  /** The model of the folder a node belongs to; undefined for nodes of no folder (remote servers'). */
  modelOf(node: unknown): RunsTreeModel | undefined {
    return this.models.ofNode(node);
  }

  /** The model a command with this argument acts on: the node's folder, else the folder WorkspaceSessions.sessionOf picks. */
  modelFor(argument: unknown): RunsTreeModel {
    return this.models.for(argument);
  }
}
