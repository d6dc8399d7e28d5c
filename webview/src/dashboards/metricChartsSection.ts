import { MetricSeriesRequest } from '../../../src/protocol/dashboards/runRequests';
import type { MetricChartModel, MetricChartOptions, XAxis } from '../../../src/protocol/dashboards/shapes';
import { VegaChart } from '../charts/vegaChart';
import { checkbox } from '../components/checkbox';
import { el, replaceChildren } from '../components/dom';
import { dropdown } from '../components/dropdown';
import { loading } from '../components/progress';
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

/** Charts per request: the first few show after reading a few histories, not all of them. */
const chunkSize = 4;

/** A metric's figure: its chart and, below it, the notes of its model (or that it is loading, or why it failed). */
interface ChartFigure {
  readonly figure: HTMLElement;
  readonly chart: VegaChart;
  readonly notes: HTMLElement;
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
  private readonly figures = new Map<string, ChartFigure>();
  private settings: MetricChartsSettings;
  /** Counts refreshes: the chunks of an older one are not asked for, and its answers not drawn. */
  private generation = 0;
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

  /**
   * Fetches the charts for the current runs and settings and draws each chunk as it arrives: first
   * the charts in view (or the first few), then the rest a few at a time, so that with many metrics
   * on many runs the first charts show long before the host has read every history. A later
   * refresh (options, runs, a live update) makes the chunks still to come of this one stale.
   * Resolves when every chart is drawn; a chunk that fails shows its error on its own charts.
   */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const stale = () => generation !== this.generation;
    if (this.runIds.length === 0) {
      this.showEmpty('Select runs to chart their metrics.');
      return;
    }
    const chosen = this.settings.chartKeys;
    if (chosen !== undefined && chosen.length === 0) {
      this.showEmpty('No metrics chosen: pick some under “Metrics”.');
      return;
    }
    const { runIds } = this;
    const { chart } = this.settings;
    const ask = (which: { keys: readonly string[] } | { limit: number }) =>
      this.options.ctx.client.request(MetricSeriesRequest, { runIds, ...which, chart });
    const known = chosen ?? this.availableKeys;
    // Before the keys are known (a compare opening) the host picks the first few and lists them all.
    const first = await ask(known.length > 0 ? { keys: this.inViewFirst(known).slice(0, chunkSize) } : { limit: chunkSize });
    if (stale()) return;
    this.setAvailableKeys(first.availableKeys);
    // Keys the runs no longer have would only draw empty charts.
    const shown = chosen === undefined ? first.availableKeys : chosen.filter((key) => first.availableKeys.includes(key));
    if (shown.length === 0) {
      this.showEmpty(chosen === undefined ? 'No metrics logged yet.' : 'No metrics chosen: pick some under “Metrics”.');
      return;
    }
    this.layOut(shown);
    const renders = this.fill(first.charts);
    const asked = new Set(first.charts.map((model) => model.key));
    const rest = this.inViewFirst(shown.filter((key) => !asked.has(key)));
    for (let start = 0; start < rest.length && !stale(); start += chunkSize) {
      const keys = rest.slice(start, start + chunkSize);
      try {
        const chunk = await ask({ keys });
        if (!stale()) renders.push(...this.fill(chunk.charts));
      } catch (error) {
        if (!stale()) this.showFailed(keys, error);
      }
    }
    await Promise.all(renders);
  }

  /** `keys` with those whose charts are on screen first (a refresh while scrolled down redraws what is seen first). */
  private inViewFirst(keys: readonly string[]): readonly string[] {
    const inView = (key: string) => {
      const box = this.figures.get(key)?.figure.getBoundingClientRect();
      return box !== undefined && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight;
    };
    return [...keys.filter(inView), ...keys.filter((key) => !inView(key))];
  }

  /** A figure per key, in order, each marked busy until its chart arrives; what a figure drew before stays meanwhile. */
  private layOut(keys: readonly string[]): void {
    const wanted = new Set(keys);
    for (const [key, shown] of this.figures) {
      if (!wanted.has(key)) {
        shown.chart.finalize();
        this.figures.delete(key);
      }
    }
    const figures = keys.map((key) => {
      let shown = this.figures.get(key);
      if (shown === undefined) {
        const chart = new VegaChart(el('div'));
        const notes = el('div', {}, loading(`Loading ${key}…`));
        const figure = el('figure', { className: 'chart-figure', attrs: { 'data-metric': key } }, chart.container, notes);
        shown = { figure, chart, notes };
        this.figures.set(key, shown);
      }
      shown.figure.setAttribute('aria-busy', 'true');
      return shown.figure;
    });
    replaceChildren(this.grid, ...figures);
  }

  /** Draws the charts of one reply (each in its turn: drawQueue.ts); resolves when they are drawn. */
  private fill(models: readonly MetricChartModel[]): Promise<void>[] {
    const renders: Promise<void>[] = [];
    for (const model of models) {
      const shown = this.figures.get(model.key);
      if (shown === undefined) continue;
      shown.figure.removeAttribute('aria-busy');
      replaceChildren(shown.notes, seriesNote(model), ...model.notes.map((note) => el('p', { className: 'chart-note', text: note })));
      renders.push(shown.chart.render(model.spec));
    }
    return renders;
  }

  private showFailed(keys: readonly string[], error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    for (const key of keys) {
      const shown = this.figures.get(key);
      if (shown === undefined) continue;
      shown.chart.finalize();
      shown.figure.removeAttribute('aria-busy');
      replaceChildren(shown.notes, el('p', { className: 'chart-note error', attrs: { role: 'alert' }, text: `Could not load the ${key} chart: ${message}` }));
    }
  }

  private showEmpty(text: string): void {
    for (const shown of this.figures.values()) shown.chart.finalize();
    this.figures.clear();
    replaceChildren(this.grid, el('p', { className: 'empty', text }));
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
