import {
  MetricSeriesRequest,
  type MetricChartModel,
  type MetricChartOptions,
  type XAxis,
} from '../../../src/protocol/dashboards';
import { VegaChart } from '../charts/vegaChart';
import { checkbox } from '../components/checkbox';
import { el, replaceChildren } from '../components/dom';
import { dropdown } from '../components/dropdown';
import { slider } from '../components/slider';
import type { DashboardContext } from './context';

export interface MetricChartsSettings {
  /** Metric keys to chart; all when undefined. */
  readonly chartKeys?: readonly string[];
  readonly chart: MetricChartOptions;
}

export interface MetricChartsOptions {
  readonly ctx: DashboardContext;
  readonly settings: MetricChartsSettings;
  /** Called when the person changes a control; the owner keeps it in its state. */
  readonly onChange: (settings: MetricChartsSettings) => void;
}

const xAxisOptions: readonly { value: XAxis; label: string }[] = [
  { value: 'step', label: 'Step' },
  { value: 'time', label: 'Wall time' },
  { value: 'relative', label: 'Relative time' },
];

/**
 * Metric history charts with their controls: x-axis, EMA smoothing (the raw curve stays faint
 * behind; the host draws both), log scale, and which metrics to chart. One chart per metric; a
 * line per run. The host builds the specs; this only asks for them and renders.
 */
export class MetricChartsSection {
  readonly element: HTMLElement;
  private readonly controls = el('div', { className: 'toolbar chart-controls' });
  private readonly picker = el('details', { className: 'picker' });
  private readonly grid = el('div', { className: 'chart-grid', attrs: { 'data-name': 'metric-charts' } });
  private readonly charts = new Map<string, VegaChart>();
  private settings: MetricChartsSettings;
  private keys: readonly string[] = [];
  private runIds: readonly string[] = [];

  constructor(private readonly options: MetricChartsOptions) {
    this.settings = options.settings;
    this.element = el('section', { className: 'metric-charts' }, this.controls, this.grid);
    this.buildControls();
  }

  /** The metrics the runs have, for the picker. */
  setAvailableKeys(keys: readonly string[]): void {
    if (sameList(keys, this.keys)) return;
    this.keys = keys;
    this.buildPicker();
  }

  get availableKeys(): readonly string[] {
    return this.keys;
  }

  setRuns(runIds: readonly string[]): void {
    this.runIds = runIds;
  }

  /** Fetches the charts for the current runs and settings and draws them. */
  async refresh(): Promise<void> {
    if (this.runIds.length === 0) {
      this.clearCharts();
      replaceChildren(this.grid, el('p', { className: 'empty', text: 'Select runs to chart their metrics.' }));
      return;
    }
    const keys = this.shownKeys();
    if (keys !== undefined && keys.length === 0) {
      this.clearCharts();
      replaceChildren(this.grid, el('p', { className: 'empty', text: 'No metrics chosen: pick some under “Metrics”.' }));
      return;
    }
    const result = await this.options.ctx.client.request(MetricSeriesRequest, {
      runIds: this.runIds,
      ...(keys === undefined ? {} : { keys }),
      chart: this.settings.chart,
    });
    // Without a chosen list the host charts every metric the runs have: that is the picker's list.
    if (keys === undefined) this.setAvailableKeys(result.charts.map((c) => c.key));
    await this.draw(result.charts);
  }

  private shownKeys(): readonly string[] | undefined {
    const chosen = this.settings.chartKeys;
    if (chosen === undefined) return undefined;
    // Keys the runs no longer have would only draw empty charts.
    return this.availableKeys.length === 0 ? chosen : chosen.filter((key) => this.availableKeys.includes(key));
  }

  private async draw(models: readonly MetricChartModel[]): Promise<void> {
    if (models.length === 0) {
      this.clearCharts();
      replaceChildren(this.grid, el('p', { className: 'empty', text: 'No metrics logged yet.' }));
      return;
    }
    const wanted = new Set(models.map((m) => m.key));
    for (const [key, chart] of this.charts) {
      if (!wanted.has(key)) {
        chart.finalize();
        this.charts.delete(key);
      }
    }
    const figures: HTMLElement[] = [];
    const renders: Promise<void>[] = [];
    for (const model of models) {
      let chart = this.charts.get(model.key);
      if (chart === undefined) {
        chart = new VegaChart(el('div'));
        this.charts.set(model.key, chart);
      }
      const figure = el(
        'figure',
        { className: 'chart-figure', attrs: { 'data-metric': model.key } },
        chart.container,
        seriesNote(model),
        ...model.notes.map((note) => el('p', { className: 'chart-note', text: note })),
      );
      figures.push(figure);
      renders.push(chart.render(model.spec));
    }
    replaceChildren(this.grid, ...figures);
    await Promise.all(renders);
  }

  private clearCharts(): void {
    for (const chart of this.charts.values()) chart.finalize();
    this.charts.clear();
  }

  private change(settings: MetricChartsSettings): void {
    this.settings = settings;
    this.options.onChange(settings);
    void this.options.ctx.status.guard('draw the charts', () => this.refresh());
  }

  private buildControls(): void {
    const chart = this.settings.chart;
    replaceChildren(
      this.controls,
      dropdown<XAxis>({
        label: 'X axis',
        name: 'x-axis',
        options: xAxisOptions,
        value: chart.xAxis,
        onChange: (xAxis) => this.change({ ...this.settings, chart: { ...this.settings.chart, xAxis } }),
      }),
      slider({
        label: 'Smoothing',
        name: 'smoothing',
        min: 0,
        max: 0.99,
        step: 0.01,
        value: chart.smoothing,
        format: (value) => (value === 0 ? 'off' : value.toFixed(2)),
        onChange: (smoothing) => this.change({ ...this.settings, chart: { ...this.settings.chart, smoothing } }),
      }),
      checkbox(
        'Log scale',
        chart.logScale,
        (logScale) => this.change({ ...this.settings, chart: { ...this.settings.chart, logScale } }),
        'log-scale',
      ),
      this.picker,
    );
    this.buildPicker();
  }

  private buildPicker(): void {
    const keys = this.availableKeys;
    const chosen = new Set(this.settings.chartKeys ?? keys);
    const count = keys.filter((key) => chosen.has(key)).length;
    const summary = el('summary', { text: `Metrics (${count} of ${keys.length})` });
    const list = el('div', { className: 'picker-list' });
    for (const key of keys) {
      list.appendChild(
        checkbox(key, chosen.has(key), (checked) => {
          const next = new Set(this.settings.chartKeys ?? this.availableKeys);
          if (checked) next.add(key);
          else next.delete(key);
          const chartKeys = this.availableKeys.filter((k) => next.has(k));
          this.change({ ...this.settings, chartKeys: chartKeys.length === this.availableKeys.length ? undefined : chartKeys });
          summary.textContent = `Metrics (${chartKeys.length} of ${this.availableKeys.length})`;
        }),
      );
    }
    const wasOpen = this.picker.open;
    replaceChildren(this.picker, summary, list);
    this.picker.open = wasOpen;
  }
}

function seriesNote(model: MetricChartModel): HTMLElement | undefined {
  const downsampled = model.series.filter((s) => s.shownPoints < s.totalPoints);
  if (downsampled.length === 0) return undefined;
  const shown = downsampled.reduce((sum, s) => sum + s.shownPoints, 0);
  const total = downsampled.reduce((sum, s) => sum + s.totalPoints, 0);
  return el('p', {
    className: 'chart-note',
    text: `Showing ${shown.toLocaleString()} of ${total.toLocaleString()} points (downsampled, extremes kept).`,
  });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
