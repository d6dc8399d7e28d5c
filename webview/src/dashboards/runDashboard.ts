import { GetRunRequest, type RunDashboardModel } from '../../../src/protocol/dashboards/runRequests';
import { defaultMetricChartOptions } from '../../../src/protocol/dashboards/shapes';
import { knownTab, runDashboardTabs, type RunDashboardState, type RunDashboardTab } from '../../../src/protocol/dashboards/state';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import { tabs } from '../components/tabs';
import { ArtifactsSection } from './artifactsSection';
import type { Dashboard, DashboardContext } from './context';
import { EnvironmentSection } from './environmentSection';
import { MetricChartsSection } from './metricChartsSection';
import { NoteSection } from './noteSection';
import { OutputSection } from './outputSection';
import { runHeader } from './runHeader';
import { datasetsTable, metricsTable, paramsTable, tagsTable } from './runTables';
import { runTracesSection } from './traceLists';

/** One run: header, params, metrics, charts, artifacts, output, environment and note; live while the run runs. */
export class RunDashboard implements Dashboard {
  readonly runIds: readonly string[];
  private readonly header = el('div');
  private readonly summary = el('div', { className: 'summary' });
  private readonly charts: MetricChartsSection;
  private readonly artifacts: ArtifactsSection;
  private readonly output: OutputSection;
  private readonly environment: EnvironmentSection;
  private readonly note: NoteSection;
  private activeTab: RunDashboardTab;
  private model: RunDashboardModel | undefined;
  /**
   * Tabs whose content is older than the model. Charts and the log are fetched for the tab in view
   * only (charts sized to a hidden tab would have no width); another tab catches up when opened.
   */
  private readonly stale = new Set<RunDashboardTab>(['charts', 'output']);

  constructor(
    private readonly ctx: DashboardContext,
    root: HTMLElement,
    private state: RunDashboardState,
  ) {
    this.runIds = [state.runId];
    // The environment is compared by VS Code (it asks the interpreter): a browser has no such tab.
    const saved = knownTab(runDashboardTabs, state.tab);
    this.activeTab = saved === 'environment' && !ctx.host.hostActions ? runDashboardTabs[0] : saved;
    this.charts = new MetricChartsSection({
      ctx,
      settings: { chartKeys: state.chartKeys, chart: state.chart ?? defaultMetricChartOptions },
      onChange: (settings) => this.save({ ...this.state, chartKeys: settings.chartKeys, chart: settings.chart }),
    });
    this.charts.setRuns(this.runIds);
    this.artifacts = new ArtifactsSection(ctx, state.runId);
    this.output = new OutputSection(ctx, state.runId);
    this.environment = new EnvironmentSection(ctx, state.runId);
    this.note = new NoteSection(ctx, state.runId);
    replaceChildren(this.header, loading('Loading the run…'));
    const panels = tabs(
      [
        { id: 'summary', label: 'Summary', content: this.summary },
        { id: 'charts', label: 'Charts', content: this.charts.element },
        { id: 'artifacts', label: 'Artifacts', content: this.artifacts.element },
        { id: 'output', label: 'Output', content: this.output.element },
        ...(ctx.host.hostActions ? [{ id: 'environment', label: 'Environment', content: this.environment.element }] : []),
        { id: 'note', label: 'Note', content: this.note.element },
      ],
      { active: this.activeTab, onChange: (id) => void this.openTab(knownTab(runDashboardTabs, id)) },
    );
    replaceChildren(root, ctx.status.element, this.header, panels);
  }

  async refresh(): Promise<void> {
    await this.ctx.status.guard('load the run', async () => {
      const model = await this.ctx.client.request(GetRunRequest, { runId: this.state.runId });
      this.model = model;
      this.show(model);
      this.stale.add('charts').add('output');
      await this.refreshTab(this.activeTab, model);
      await this.openEnvironment(this.activeTab);
    });
  }

  private show(model: RunDashboardModel): void {
    replaceChildren(this.header, runHeader(this.ctx, model));
    replaceChildren(
      this.summary,
      el('h2', { text: `Params (${model.params.length})` }),
      paramsTable(model.params),
      el('h2', { text: `Metrics (${model.metrics.length})` }),
      metricsTable(model.metrics),
      el('h2', { text: `Tags (${model.tags.length})` }),
      tagsTable(model.tags),
      model.datasets.length > 0 ? el('h2', { text: 'Datasets' }) : null,
      model.datasets.length > 0 ? datasetsTable(model.datasets) : null,
      ...(model.traces && model.traces.total > 0 ? runTracesSection(this.ctx, model.traces) : []),
    );
    this.charts.setAvailableKeys(model.metrics.map((m) => m.key));
    this.artifacts.show(model.artifacts, model.loggedModels);
    this.note.show(model.note);
    if (model.notes?.length) this.ctx.status.info(model.notes.join(' '));
    this.ctx.saveState(this.state, model.header.name || model.header.runId);
  }

  private async openTab(tab: RunDashboardTab): Promise<void> {
    if (tab === this.activeTab) return;
    this.activeTab = tab;
    this.save({ ...this.state, tab });
    const model = this.model;
    if (model) await this.ctx.status.guard(`load ${tab}`, () => this.refreshTab(tab, model));
    await this.openEnvironment(tab);
  }

  private async refreshTab(tab: RunDashboardTab, model: RunDashboardModel): Promise<void> {
    if (!this.stale.delete(tab)) return;
    if (tab === 'charts') await this.charts.refresh();
    else if (tab === 'output') await this.output.refresh(model.outputLogPath);
  }

  /** The environment is compared when its tab shows (it runs Python), once; not with every refresh. */
  private async openEnvironment(tab: RunDashboardTab): Promise<void> {
    if (tab === 'environment') await this.environment.open();
  }

  private save(state: RunDashboardState): void {
    this.state = state;
    this.ctx.saveState(state, this.model?.header.name);
  }
}
