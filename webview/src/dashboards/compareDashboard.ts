import { CompareRequest, type CompareModel, type CompareRun } from '../../../src/protocol/dashboards/compareRequests';
import { OpenDiffRequest } from '../../../src/protocol/dashboards/hostActions';
import { defaultMetricChartOptions, type MetricDirection } from '../../../src/protocol/dashboards/shapes';
import type { CompareDashboardState } from '../../../src/protocol/dashboards/state';
import { runLabels } from '../../../src/protocol/dashboardTitles';
import { tag } from '../components/tag';
import { button } from '../components/button';
import { checkbox } from '../components/checkbox';
import { dataGrid } from '../components/dataGrid';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import { keyValueDiff, metricDiff } from './compareTables';
import type { Dashboard, DashboardContext } from './context';
import { formatDuration, shortCommit } from './format';
import { MetricChartsSection } from './metricChartsSection';
import { runLink } from './navigation';
import { compareTracesSection } from './traceLists';
import { RunPicker } from './runPicker';
import { statusTag } from './statusTag';

/** Two or more runs side by side (two is the diff): params, metrics, tags, data, code and charts. */
export class CompareDashboard implements Dashboard {
  private readonly title = el('h1');
  private readonly runsBar = el('div', { className: 'compare-runs', attrs: { 'data-name': 'compare-runs' } });
  private readonly diff = el('div', { className: 'compare-diff' });
  private readonly code = el('div', { className: 'compare-code' });
  private readonly charts: MetricChartsSection;
  private readonly picker: RunPicker;
  private model: CompareModel | undefined;

  constructor(
    private readonly ctx: DashboardContext,
    root: HTMLElement,
    private state: CompareDashboardState,
  ) {
    this.charts = new MetricChartsSection({
      ctx,
      settings: { chartKeys: state.chartKeys, chart: state.chart ?? defaultMetricChartOptions },
      onChange: (settings) => this.save({ ...this.state, chartKeys: settings.chartKeys, chart: settings.chart }),
    });
    this.charts.setRuns(state.runIds);
    this.picker = new RunPicker(ctx, {
      exclude: () => this.state.runIds,
      experimentId: () => this.model?.runs[0]?.experimentId,
      onPick: (run) => this.setRuns([...this.state.runIds, run.runId]),
    });
    const onlyDifferences = checkbox('Show only differences', this.onlyDifferences, (checked) => {
      this.save({ ...this.state, onlyDifferences: checked });
      void this.refresh();
    }, 'only-differences');
    replaceChildren(
      root,
      ctx.status.element,
      el('header', { className: 'compare-header' }, this.title, this.runsBar),
      el('div', { className: 'toolbar' }, onlyDifferences, this.picker.element),
      this.diff,
      el('h2', { text: 'Code' }),
      this.code,
      el('h2', { text: 'Metric charts' }),
      this.charts.element,
    );
    this.title.textContent = `Comparing ${state.runIds.length} runs`;
    replaceChildren(this.diff, loading('Comparing…'));
  }

  get runIds(): readonly string[] {
    return this.state.runIds;
  }

  /** Off only when the person turned it off: showing what differs is the point of a compare. */
  private get onlyDifferences(): boolean {
    return this.state.onlyDifferences ?? true;
  }

  async refresh(): Promise<void> {
    await this.ctx.status.guard('compare the runs', async () => {
      // Charts and the diff are independent: ask for both at once, so the first paint waits for the slower only.
      const charts = this.charts.refresh();
      const model = await this.ctx.client.request(CompareRequest, {
        runIds: this.state.runIds,
        onlyDifferences: this.onlyDifferences,
        ...(this.state.directions ? { directions: this.state.directions } : {}),
      });
      this.model = model;
      this.show(model);
      await charts;
    });
  }

  private show(model: CompareModel): void {
    const title = `Compare: ${runLabels(model.runs).join(' vs ')}`;
    this.ctx.saveState(this.state, title.length > 80 ? `Compare ${model.runs.length} runs` : title);
    if (model.notes?.length) this.ctx.status.info(model.notes.join(' '));
    this.title.textContent = `Comparing ${model.runs.length} runs`;
    replaceChildren(this.runsBar, ...model.runs.map((run, i) => this.runChip(run, i)));
    const { counts } = model;
    const only = this.onlyDifferences;
    const count = (c: { total: number; differing: number }) => (only ? `${c.differing} of ${c.total} differ` : `${c.total}, ${c.differing} differ`);
    replaceChildren(
      this.diff,
      el('h2', { text: `Params (${count(counts.params)})` }),
      keyValueDiff('param-diff', 'Param', model.runs, model.params, only ? 'No params differ.' : 'No params logged.'),
      el('h2', { text: `Metrics (${count(counts.metrics)})` }),
      metricDiff(model.runs, model.metrics, (key, direction) => this.setDirection(key, direction)),
      el('h2', { text: `Tags (${count(counts.tags)})` }),
      keyValueDiff('tag-diff', 'Tag', model.runs, model.tags, only ? 'No tags differ.' : 'No tags.'),
      model.datasets.length > 0 ? el('h2', { text: 'Datasets' }) : null,
      model.datasets.length > 0 ? keyValueDiff('dataset-diff', 'Dataset', model.runs, model.datasets, '') : null,
      ...compareTracesSection(model.runs),
    );
    replaceChildren(this.code, this.codeTable(model));
  }

  private runChip(run: CompareRun, index: number): HTMLElement {
    const label = this.state.runIds.length === 2 ? (index === 0 ? 'A' : 'B') : index === 0 ? 'baseline' : String(index + 1);
    return el(
      'span',
      { className: 'run-chip', attrs: { 'data-run-id': run.runId } },
      tag(label, 'chip-label'),
      runLink(this.ctx, run),
      statusTag(run.status),
      // A compare needs two runs: the last two cannot be removed.
      this.state.runIds.length > 2
        ? button('✕', () => this.setRuns(this.state.runIds.filter((id) => id !== run.runId)), {
            appearance: 'icon',
            name: 'remove-run',
            title: `Remove ${run.name || run.runId} from the compare`,
          })
        : null,
    );
  }

  private codeTable(model: CompareModel): HTMLElement {
    const hostActions = this.ctx.host.hostActions;
    const grid = dataGrid({
      name: 'code',
      ariaLabel: 'Code of each run',
      columns: [
        { id: 'run', title: 'Run' },
        { id: 'commit', title: 'Commit' },
        { id: 'branch', title: 'Branch' },
        { id: 'dirty', title: 'Uncommitted changes' },
        { id: 'source', title: 'Source', width: 'minmax(10em, 2fr)' },
        { id: 'duration', title: 'Duration', numeric: true },
      ],
      rows: model.runs.map((run) => ({
        key: run.runId,
        cells: [
          { text: run.name || run.runId },
          { text: run.code.commit ? shortCommit(run.code.commit) : 'unknown', title: run.code.commit },
          { text: run.code.branch ?? '' },
          {
            text: run.code.dirty === undefined ? 'unknown' : run.code.dirty ? 'yes' : 'no',
            content:
              run.code.dirty && run.patchPath && hostActions
                ? button('yes: show diff', () => void this.ctx.status.guard('open the diff', () => this.ctx.client.request(OpenDiffRequest, { runId: run.runId })), {
                    name: 'open-patch',
                  })
                : undefined,
          },
          { text: run.code.sourceFile ?? '' },
          { text: formatDuration(run.durationMs) },
        ],
      })),
    });
    const [a, b] = model.runs;
    const diffButton =
      hostActions && model.codeComparable && a && b
        ? button(
            model.runs.length === 2 ? 'Open code diff (A ↔ B)' : `Open code diff (baseline ↔ ${b.name || b.runId})`,
            () =>
              void this.ctx.status.guard('open the code diff', async () => {
                const result = await this.ctx.client.request(OpenDiffRequest, { runId: a.runId, otherRunId: b.runId });
                if (result.message) this.ctx.status.info(result.message);
              }),
            { appearance: 'primary', name: 'open-code-diff' },
          )
        : null;
    const why = !model.codeComparable ? el('p', { className: 'chart-note', text: 'The runs’ commits or source files were not captured: no code diff.' }) : null;
    return el('div', {}, grid, el('div', { className: 'toolbar' }, diffButton, why));
  }

  private setDirection(key: string, direction: MetricDirection): void {
    this.save({ ...this.state, directions: { ...this.state.directions, [key]: direction } });
    void this.refresh();
  }

  private setRuns(runIds: readonly string[]): void {
    const unique = [...new Set(runIds)];
    if (unique.length < 2) return;
    this.save({ ...this.state, runIds: unique });
    this.charts.setRuns(unique);
    void this.refresh();
  }

  private save(state: CompareDashboardState): void {
    this.state = state;
    this.ctx.saveState(state);
  }
}
