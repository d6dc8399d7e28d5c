import * as vscode from 'vscode';
import { ContextKey, SettingKey, SettingSection, ViewId } from '../contributions';
import { Disposable } from '../disposable';
import type { Run } from '../../core/entities';
import type { RemoteTree } from '../remote/remoteTree';
import type { TrackingSession } from '../trackingSession';
import { registerRunEditCommands } from './runEditCommands';
import { registerRunLifecycleCommands } from './runLifecycleCommands';
import { noteScheme, RunNoteFileSystem } from './runNoteFileSystem';
import { remoteRunNode } from './remoteRunReveal';
import { registerRunOpenCommands } from './runOpenCommands';
import { describeSort } from './runSortChoices';
import { RunSourceDocuments, sourceScheme } from './runSourceDocuments';
import { RunsTreeModel } from './runsTreeModel';
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
  readonly model: RunsTreeModel;
  private readonly view: vscode.TreeView<RunsTreeNode>;
  private readonly state: RunsViewState;

  constructor(
    session: TrackingSession,
    workspaceState: vscode.Memento,
    private readonly remote?: RemoteTree,
  ) {
    super();
    this.state = this.register(new RunsViewState(workspaceState));
    this.model = this.register(new RunsTreeModel(session, this.state, pageSize));
    this.provider = new RunsTreeProvider(this.model, remote);
    this.view = this.register(
      vscode.window.createTreeView(ViewId.Runs, { treeDataProvider: this.provider, showCollapseAll: true, canSelectMany: true }),
    );
    this.register(
      this.view.onDidCollapseElement(({ element }) => {
        if (element.kind === 'experiment') this.model.unload(element.experimentId);
      }),
    );
    this.register(this.state.onDidChange(() => void this.showState()));
    void this.showState();
    const clock = setInterval(() => {
      if (this.view.visible) this.model.redrawRuns();
    }, clockTickMs);
    this.register(new vscode.Disposable(() => clearInterval(clock)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SettingSection}.${SettingKey.RunsPageSize}`)) this.model.reload();
      }),
    );

    const sources = new RunSourceDocuments(session, session.folder);
    this.register(vscode.workspace.registerTextDocumentContentProvider(sourceScheme, sources));
    const notes = this.register(new RunNoteFileSystem(session));
    this.register(vscode.workspace.registerFileSystemProvider(noteScheme, notes, { isCaseSensitive: true }));
    for (const command of [
      ...registerRunsViewCommands(session, this.state, this.model, this.provider),
      ...registerRunEditCommands(session),
      ...registerRunLifecycleCommands(session),
      ...registerRunOpenCommands(session, sources),
    ]) {
      this.register(command);
    }
  }

  /** Shows the run in the view, selected, loading pages of its experiment as needed. */
  async revealRun(runId: string): Promise<void> {
    const node = await this.model.loadRun(runId);
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

  /** Shows a run of a remote server under the server's root, selected (a launch that logged there). */
  async revealRemoteRun(serverName: string, run: Run): Promise<void> {
    const node = this.remote && (await remoteRunNode(this.remote, serverName, run));
    if (!node) {
      void vscode.window.showInformationMessage(`RunLens: run ${run.info.run_name} is not among the newest runs of ${serverName} shown in the Runs view.`);
      return;
    }
    await this.view.reveal(node, { select: true, focus: true, expand: false });
  }

  /** The filter, order and deleted toggle in the view's description, and the context keys of the title bar. */
  private async showState(): Promise<void> {
    const { filter, showDeleted } = this.state;
    this.view.description = viewDescription(this.state);
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

function pageSize(): number {
  const value = vscode.workspace.getConfiguration(SettingSection).get<number>(SettingKey.RunsPageSize, defaultPageSize);
  return Number.isSafeInteger(value) && value >= 10 ? Math.min(value, 5000) : defaultPageSize;
}
