import type * as vscode from 'vscode';
import { mlflowUiLinks, type MlflowUiPage } from '../../core/dashboards/mlflowUiLinks';
import type { TrackingSession } from '../trackingSession';
import type { DashboardPanels } from './dashboardPanels';

export interface MlflowTerminalLink extends vscode.TerminalLink {
  readonly page: MlflowUiPage;
}

/**
 * The links MLflow's client prints after each run ("🏃 View run … at: http://127.0.0.1:PORT/#/…")
 * point at MLflow's UI, which the workspace's server does not serve: in any terminal, those that
 * name this window's tracking server open the run or experiment dashboard in the editor instead.
 * Only a store this window already serves is looked at: a line of output never opens it.
 */
export class MlflowTerminalLinks implements vscode.TerminalLinkProvider<MlflowTerminalLink> {
  constructor(
    private readonly session: TrackingSession,
    private readonly panels: DashboardPanels,
  ) {}

  async provideTerminalLinks(context: vscode.TerminalLinkContext): Promise<MlflowTerminalLink[]> {
    if (!context.line.includes('/#/experiments/')) return [];
    const opened = await this.session.openedSession();
    if (opened?.kind !== 'owner') return [];
    const port = Number(new URL(opened.endpoint.url).port);
    return mlflowUiLinks(context.line, port).map(({ startIndex, length, page }) => ({
      startIndex,
      length,
      page,
      tooltip: page.kind === 'run' ? 'Open the run dashboard in RunLens' : 'Open the experiment dashboard in RunLens',
    }));
  }

  handleTerminalLink(link: MlflowTerminalLink): void {
    const { page } = link;
    this.panels.open(page.kind === 'run' ? { kind: 'run', runId: page.runId } : { kind: 'experiment', experimentId: page.experimentId });
  }
}
