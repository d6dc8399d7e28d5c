import {
  ExperimentTableRequest,
  ExportCsvRequest,
  type ExperimentTableModel,
  type TableColumn,
} from '../../../src/protocol/dashboards/experimentRequests';
import { defaultMetricChartOptions } from '../../../src/protocol/dashboards/shapes';
import {
  experimentChartTabs,
  knownTab,
  type ExperimentChartTab,
  type ExperimentDashboardState,
} from '../../../src/protocol/dashboards/state';
import { HostRequestError } from '../bridge/hostClient';
import { button, setDisabled } from '../components/button';
import { checkbox } from '../components/checkbox';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import { tabs } from '../components/tabs';
import { setInvalid, textField } from '../components/textField';
import { ColumnChooser } from './columnChooser';
import type { Dashboard, DashboardContext } from './context';
import { downloadText } from './csvDownload';
import { FieldCharts } from './fieldCharts';
import { sharedFields } from './fieldRefs';
import { MetricChartsSection } from './metricChartsSection';
import { runsTable } from './runsTable';

const pageSize = 200;
const maxRows = 1000;
/** Runs charted when the person has not picked any: the newest (or best, by the sort) few. */
const defaultSelection = 10;

/** An experiment's runs as a table (filter, sort, columns, CSV) and charts of the selected runs. */
export class ExperimentDashboard implements Dashboard {
  readonly runIds = undefined;
  private readonly title = el('h1');
  private readonly summary = el('p', { className: 'muted' });
  private readonly table = el('div', { className: 'runs-table' });
  private readonly filterField;
  private readonly chooser: ColumnChooser;
  private readonly compareButton: HTMLElement;
  private readonly moreButton: HTMLElement;
  private readonly history: MetricChartsSection;
  private readonly fieldCharts: FieldCharts;
  private activeChart: ExperimentChartTab;
  /** Chart tabs older than the selection; only the one in view is drawn (a hidden chart has no width). */
  private readonly staleCharts = new Set<ExperimentChartTab>();
  private model: ExperimentTableModel | undefined;
  private limit = pageSize;

  constructor(
    private readonly ctx: DashboardContext,
    root: HTMLElement,
    private state: ExperimentDashboardState,
  ) {
    this.activeChart = knownTab(experimentChartTabs, state.tab);
    this.filterField = textField({
      ariaLabel: 'Filter runs',
      placeholder: "Filter, e.g. metrics.rmse < 0.5 and params.lr = '0.01'",
      value: state.filter ?? '',
      name: 'filter',
      onSubmit: (filter) => this.setFilter(filter),
    });
    this.chooser = new ColumnChooser((choice) => {
      this.save({ ...this.state, hiddenColumns: [...choice.hidden], aggregations: choice.aggregations });
      void this.refresh();
    });
    this.compareButton = button('Compare selected', () => this.compareSelected(), { appearance: 'primary', name: 'compare-selected' });
    this.moreButton = button('Load more', () => {
      this.limit = Math.min(maxRows, this.limit + pageSize);
      void this.refresh();
    }, { name: 'load-more' });
    this.history = new MetricChartsSection({
      ctx,
      settings: { chartKeys: state.overlayKeys, chart: state.chart ?? defaultMetricChartOptions },
      onChange: (settings) => this.save({ ...this.state, overlayKeys: settings.chartKeys, chart: settings.chart }),
    });
    this.fieldCharts = new FieldCharts(ctx, { scatter: state.scatter, parallel: state.parallel }, (settings) => {
      this.save({ ...this.state, ...settings });
      void this.ctx.status.guard('draw the charts', () => this.refreshFieldCharts());
    });

    const toolbar = el(
      'div',
      { className: 'toolbar' },
      el('div', { className: 'filter' }, this.filterField, button('Apply', () => this.setFilter(this.filterField.value), { name: 'apply-filter' })),
      this.chooser.element,
      checkbox('Only columns that differ', state.onlyDifferingColumns ?? false, (checked) => {
        this.save({ ...this.state, onlyDifferingColumns: checked });
        this.showTable();
      }, 'only-differing-columns'),
      button('Export CSV', () => void this.exportCsv(), { name: 'export-csv' }),
      this.compareButton,
    );
    const charts = tabs(
      [
        { id: 'history', label: 'Metric history', content: this.history.element },
        { id: 'scatter', label: 'Scatter', content: this.fieldCharts.scatterElement },
        { id: 'parallel', label: 'Parallel coordinates', content: this.fieldCharts.parallelElement },
      ],
      { active: this.activeChart, onChange: (id) => void this.openChartTab(knownTab(experimentChartTabs, id)) },
    );
    replaceChildren(
      root,
      ctx.status.element,
      el('header', {}, this.title, this.summary),
      toolbar,
      this.table,
      el('div', { className: 'toolbar' }, this.moreButton),
      el('h2', { text: 'Charts of the selected runs' }),
      charts,
    );
    this.title.textContent = 'Experiment';
    replaceChildren(this.table, loading('Loading runs…'));
  }

  async refresh(): Promise<void> {
    await this.ctx.status.guard('load the runs', async () => {
      let model: ExperimentTableModel;
      try {
        model = await this.ctx.client.request(ExperimentTableRequest, {
          experimentId: this.state.experimentId,
          ...(this.state.filter ? { filter: this.state.filter } : {}),
          ...(this.state.sort ? { sort: this.state.sort } : {}),
          ...(this.state.aggregations ? { aggregations: this.state.aggregations } : {}),
          offset: 0,
          limit: this.limit,
        });
      } catch (error) {
        if (error instanceof HostRequestError && error.code === 'invalidFilter') {
          setInvalid(this.filterField, true);
          this.ctx.status.error(`The filter does not parse: ${error.message}`);
          return;
        }
        throw error;
      }
      setInvalid(this.filterField, false);
      this.model = model;
      this.title.textContent = model.experiment.name;
      this.summary.textContent = `${model.totalRows} run${model.totalRows === 1 ? '' : 's'}${this.state.filter ? ' match the filter' : ''}${
        model.rows.length < model.totalRows ? `, showing ${model.rows.length}` : ''
      }`;
      this.ctx.saveState(this.state, model.experiment.name);
      if (model.notes?.length) this.ctx.status.info(model.notes.join(' '));
      this.showTable();
      await this.refreshCharts();
    });
  }

  private get selected(): readonly string[] {
    const rows = this.model?.rows ?? [];
    if (this.state.selectedRunIds !== undefined) {
      const present = new Set(rows.map((r) => r.runId));
      return this.state.selectedRunIds.filter((id) => present.has(id));
    }
    return rows.slice(0, defaultSelection).map((r) => r.runId);
  }

  private visibleColumns(model: ExperimentTableModel): TableColumn[] {
    const hidden = new Set(this.state.hiddenColumns ?? []);
    const onlyDiffering = this.state.onlyDifferingColumns ?? false;
    return model.columns.filter((c) => c.id === 'attribute:name' || (!hidden.has(c.id) && (!onlyDiffering || c.differs)));
  }

  private showTable(): void {
    const model = this.model;
    if (model === undefined) return;
    const selected = new Set(this.selected);
    this.chooser.show(model.columns, { hidden: new Set(this.state.hiddenColumns ?? []), aggregations: this.state.aggregations ?? {} });
    replaceChildren(
      this.table,
      runsTable({
        ctx: this.ctx,
        model,
        columns: this.visibleColumns(model),
        sort: this.state.sort,
        selected,
        onSort: (column) => this.sortBy(column),
        onSelect: (runId, on) => this.select(runId, on),
      }),
    );
    setDisabled(this.compareButton, selected.size < 2);
    this.compareButton.textContent = `Compare selected (${selected.size})`;
    const canLoadMore = model.rows.length < model.totalRows && this.limit < maxRows;
    this.moreButton.hidden = !canLoadMore;
  }

  private async refreshCharts(): Promise<void> {
    this.history.setRuns(this.selected);
    this.staleCharts.add('history').add('scatter').add('parallel');
    await this.refreshChart(this.activeChart);
  }

  private async refreshChart(tab: ExperimentChartTab): Promise<void> {
    this.staleCharts.delete(tab);
    if (tab === 'history') await this.history.refresh();
    else await this.refreshFieldCharts();
  }

  private async refreshFieldCharts(): Promise<void> {
    const model = this.model;
    if (model === undefined) return;
    const selected = new Set(this.selected);
    const rows = model.rows.filter((row) => selected.has(row.runId));
    await this.fieldCharts.refresh(this.selected, sharedFields(model.columns, rows, this.state.aggregations ?? {}), {
      scatter: this.activeChart === 'scatter',
      parallel: this.activeChart === 'parallel',
    });
  }

  private async openChartTab(tab: ExperimentChartTab): Promise<void> {
    if (tab === this.activeChart) return;
    this.activeChart = tab;
    this.save({ ...this.state, tab });
    if (this.staleCharts.has(tab)) await this.ctx.status.guard('draw the charts', () => this.refreshChart(tab));
  }

  private setFilter(filter: string): void {
    this.save({ ...this.state, filter: filter.trim() || undefined, selectedRunIds: undefined });
    this.limit = pageSize;
    void this.refresh();
  }

  private sortBy(column: string): void {
    const current = this.state.sort;
    const direction = current?.column === column && current.direction === 'asc' ? 'desc' : 'asc';
    this.save({ ...this.state, sort: { column, direction } });
    void this.refresh();
  }

  private select(runId: string, on: boolean): void {
    const next = new Set(this.selected);
    if (on) next.add(runId);
    else next.delete(runId);
    this.save({ ...this.state, selectedRunIds: [...next] });
    this.showTable();
    void this.ctx.status.guard('draw the charts', () => this.refreshCharts());
  }

  private compareSelected(): void {
    const runIds = this.selected;
    if (runIds.length >= 2) this.ctx.openDashboard({ kind: 'compare', runIds });
  }

  private async exportCsv(): Promise<void> {
    const model = this.model;
    await this.ctx.status.guard('export the runs', async () => {
      const result = await this.ctx.client.request(ExportCsvRequest, {
        experimentId: this.state.experimentId,
        ...(this.state.filter ? { filter: this.state.filter } : {}),
        ...(this.state.sort ? { sort: this.state.sort } : {}),
        ...(this.state.aggregations ? { aggregations: this.state.aggregations } : {}),
        ...(model ? { columns: this.visibleColumns(model).map((c) => c.id) } : {}),
      });
      if (result.savedTo) {
        this.ctx.status.info(`Saved ${result.rowCount} runs to ${result.savedTo}.`);
      } else if (this.ctx.host.kind === 'browser') {
        downloadText(result.fileName, result.csv, 'text/csv');
        this.ctx.status.info(`Exported ${result.rowCount} runs as ${result.fileName}.`);
      }
    });
  }

  private save(state: ExperimentDashboardState): void {
    this.state = state;
    this.ctx.saveState(state, this.model?.experiment.name);
  }
}
