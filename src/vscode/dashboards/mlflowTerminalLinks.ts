import type * as vscode from 'vscode';
import { mlflowUiLinks, type MlflowUiPage } from '../../dashboards/mlflowUiLinks';
import type { WorkspaceSessions } from '../workspaceSessions';
import type { DashboardPanels } from './dashboardPanels';

export interface MlflowTerminalLink extends vscode.TerminalLink {
  readonly page: MlflowUiPage;
  /** With several workspace folders, the folder (its URI) whose server the link names. */
  readonly folder?: string;
}

/**
 * The links MLflow's client prints after each run ("🏃 View run … at: http://127.0.0.1:PORT/#/…")
 * point at MLflow's UI, which the workspace's servers do not serve: in any terminal, those that
 * name the tracking server of one of this window's folders (the window's own, or the server process
 * or `runlens serve` it is a guest of) open the run or experiment dashboard of that folder in the
 * editor instead. Only a store this window has already opened is looked at: a line of output never opens it.
 */
export class MlflowTerminalLinks implements vscode.TerminalLinkProvider<MlflowTerminalLink> {
  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly panels: DashboardPanels,
  ) {}

  async provideTerminalLinks(context: vscode.TerminalLinkContext): Promise<MlflowTerminalLink[]> {
    if (!context.line.includes('/#/experiments/')) return [];
    const sessions = this.sessions.all();
    const links: MlflowTerminalLink[] = [];
    for (const session of sessions) {
      // The server this window serves, or the one it is a guest of (a server process, `runlens serve`).
      const endpoint = (await session.openedSession())?.endpoint;
      if (!endpoint) continue;
      const port = Number(new URL(endpoint.url).port);
      // With one folder the state names none, as it always did.
      const folder = sessions.length > 1 ? session.folder?.uri.toString() : undefined;
      for (const { startIndex, length, page } of mlflowUiLinks(context.line, port)) {
        links.push({
          startIndex,
          length,
          page,
          ...(folder === undefined ? {} : { folder }),
          tooltip: page.kind === 'run' ? 'Open the run dashboard in RunLens' : 'Open the experiment dashboard in RunLens',
        });
      }
    }
    return links;
  }

  handleTerminalLink(link: MlflowTerminalLink): void {
    const { page, folder } = link;
    const state = page.kind === 'run' ? { kind: 'run' as const, runId: page.runId } : { kind: 'experiment' as const, experimentId: page.experimentId };
    this.panels.open(folder === undefined ? state : { ...state, folder });
  }
}
