import { IndexRequest, type IndexModel } from '../../../src/protocol/dashboards/indexPage';
import { dataGrid } from '../components/dataGrid';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import type { Dashboard, DashboardContext } from './context';
import { formatTime } from './format';
import { dashboardLink, runLink } from './navigation';
import { statusTag } from './statusTag';

/** The browser mode's start page: experiments, each a link to its dashboard, and the newest runs. */
export class IndexPage implements Dashboard {
  readonly runIds = undefined;
  private readonly body = el('div');

  constructor(
    private readonly ctx: DashboardContext,
    root: HTMLElement,
  ) {
    replaceChildren(
      root,
      ctx.status.element,
      el('header', {}, el('h1', { text: 'RunLens' }), el('p', { className: 'muted', text: 'Experiments and runs in this workspace.' })),
      this.body,
    );
    replaceChildren(this.body, loading('Loading…'));
  }

  async refresh(): Promise<void> {
    await this.ctx.status.guard('load the experiments', async () => this.show(await this.ctx.client.request(IndexRequest, {})));
  }

  private show(model: IndexModel): void {
    replaceChildren(
      this.body,
      el('h2', { text: `Experiments (${model.experiments.length})` }),
      dataGrid({
        name: 'experiments',
        ariaLabel: 'Experiments',
        columns: [
          { id: 'name', title: 'Experiment', width: 'minmax(12em, 3fr)' },
          { id: 'runs', title: 'Runs', numeric: true },
        ],
        rows: model.experiments.map((e) => ({
          key: e.experimentId,
          cells: [
            { text: e.name, content: dashboardLink(this.ctx, e.name || e.experimentId, { kind: 'experiment', experimentId: e.experimentId }) },
            { text: String(e.runCount) },
          ],
        })),
        empty: 'No experiments yet.',
      }),
      el('h2', { text: 'Newest runs' }),
      dataGrid({
        name: 'recent-runs',
        ariaLabel: 'Newest runs',
        columns: [
          { id: 'name', title: 'Run', width: 'minmax(12em, 2fr)' },
          { id: 'experiment', title: 'Experiment', width: 'minmax(10em, 1.5fr)' },
          { id: 'status', title: 'Status' },
          { id: 'start', title: 'Started' },
        ],
        rows: model.runs.map((run) => ({
          key: run.runId,
          cells: [
            { text: run.name || run.runId, content: runLink(this.ctx, run) },
            { text: run.experimentName },
            { text: run.status, content: statusTag(run.status) },
            { text: formatTime(run.startTime) },
          ],
        })),
        empty: 'No runs yet: point a script at this server and run it.',
      }),
    );
  }
}
