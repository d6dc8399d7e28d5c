import * as vscode from 'vscode';
import { ContextKey, SettingKey, SettingSection, ViewId } from '../contributions';
import { Disposable } from '../disposable';
import type { RemoteTree } from '../remote/remoteTree';
import type { WorkspaceSessions } from '../workspaceSessions';
import { registerRunEditCommands } from './runEditCommands';
import { registerRunLifecycleCommands } from './runLifecycleCommands';
import { noteScheme, RunNoteFileSystem } from './runNoteFileSystem';
import { registerRunOpenCommands } from './runOpenCommands';
import { describeSort } from './runSortChoices';
import { RunSourceDocuments, sourceScheme } from './runSourceDocuments';
import { RunsFolders } from './runsFolders';
import type { RunsTreeNode } from './runsTreeNodes';
import { RunsTreeProvider } from './runsTreeProvider';
import { registerRunsViewCommands } from './runsViewCommands';
import { defaultSort, RunsViewState } from './runsViewState';

const defaultPageSize = 200;

/** Relative start times ("3 min ago") are redrawn this often while the view is visible. */
const clockTickMs = 60_000;

/** The Runs view: its tree, the state the person chose, and every command on runs. */
export class RunsView extends Disposable {
  readonly provider: RunsTreeProvider;
  readonly folders: RunsFolders;
  private readonly view: vscode.TreeView<RunsTreeNode>;
  /** The person's choices: filter, order, primary metrics (the editor's lenses follow the primary metrics too). */
  readonly state: RunsViewState;
  /** A run's files as they were when it ran, as read-only documents. */
  readonly sources: RunSourceDocuments;

  constructor(
    sessions: WorkspaceSessions,
    workspaceState: vscode.Memento,
    remote?: RemoteTree,
  ) {
    super();
    this.state = this.register(new RunsViewState(workspaceState));
    this.folders = this.register(new RunsFolders(sessions, this.state, pageSize));
    this.provider = new RunsTreeProvider(this.folders, remote);
    this.view = this.register(
      vscode.window.createTreeView(ViewId.Runs, { treeDataProvider: this.provider, showCollapseAll: true, canSelectMany: true }),
    );
    this.register(
      this.view.onDidCollapseElement(({ element }) => {
        if (element.kind === 'experiment') this.folders.modelOf(element)?.unload(element.experimentId);
      }),
    );
    this.register(this.state.onDidChange(() => void this.showState()));
    void this.showState();
    const clock = setInterval(() => {
      if (this.view.visible) for (const model of this.folders.all()) model.redrawRuns();
    }, clockTickMs);
    this.register(new vscode.Disposable(() => clearInterval(clock)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SettingSection}.${SettingKey.RunsPageSize}`)) this.provider.refresh();
      }),
    );

    const sources = (this.sources = new RunSourceDocuments(sessions));
    this.register(vscode.workspace.registerTextDocumentContentProvider(sourceScheme, sources));
    const notes = this.register(new RunNoteFileSystem(sessions));
    this.register(vscode.workspace.registerFileSystemProvider(noteScheme, notes, { isCaseSensitive: true }));
    for (const command of [
      ...registerRunsViewCommands(this.state, this.folders, this.provider),
      ...registerRunEditCommands(sessions),
      ...registerRunLifecycleCommands(sessions),
      ...registerRunOpenCommands(sessions, sources),
    ]) {
      this.register(command);
    }
  }

  /** Shows the run in the view, selected, loading pages of its experiment as needed. */
  async revealRun(runId: string): Promise<void> {
    const node = await this.folders.modelFor(runId).loadRun(runId);
    if (!node) {
      const answer = await vscode.window.showInformationMessage(
        'RunLens: the run is hidden by the filter or because it is deleted.',
        'Clear Filter and Show Deleted Runs',
      );
      if (!answer) return;
      await this.state.setFilter('');
      await this.state.setShowDeleted(true);
      return this.revealRun(runId);
    }
    await this.view.reveal(node, { select: true, focus: true, expand: false });
  }

  /** The filter, order and deleted toggle in the view's description, and the context keys of the title bar. */
  private async showState(): Promise<void> {
    const { filter, showDeleted } = this.state;
    this.view.description = viewDescription(this.state);
    this.view.message = filterMessage(filter);
    await vscode.commands.executeCommand('setContext', ContextKey.RunsFiltered, filter !== '');
    await vscode.commands.executeCommand('setContext', ContextKey.ShowingDeletedRuns, showDeleted);
  }
}

/** "filter: metrics.loss < 1 · by loss ↑ · with deleted": what the view shows beside its title. */
export function viewDescription(state: Pick<RunsViewState, 'filter' | 'sort' | 'showDeleted'>): string | undefined {
  const parts: string[] = [];
  if (state.filter) parts.push(`filter: ${state.filter}`);
  const { sort } = state;
  if (sort.field !== defaultSort.field || sort.ascending !== defaultSort.ascending) parts.push(`by ${describeSort(sort)}`);
  if (state.showDeleted) parts.push('with deleted');
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * The applied filter in full, above the runs: the view's description is cut to the width of its
 * title bar, and a filter is often longer than that.
 */
export function filterMessage(filter: string): string | undefined {
  return filter ? `Filter: ${filter}` : undefined;
}

function pageSize(): number {
  const value = vscode.workspace.getConfiguration(SettingSection).get<number>(SettingKey.RunsPageSize, defaultPageSize);
  return Number.isSafeInteger(value) && value >= 10 ? Math.min(value, 5000) : defaultPageSize;
}
