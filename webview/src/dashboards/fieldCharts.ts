import { ExperimentChartsRequest } from '../../../src/protocol/dashboards/experimentRequests';
import type { ChartModel, FieldRef } from '../../../src/protocol/dashboards/shapes';
import { VegaChart } from '../charts/vegaChart';
import { checkbox } from '../components/checkbox';
import { el, replaceChildren } from '../components/dom';
import { dropdown } from '../components/dropdown';
import type { DashboardContext } from './context';
import { fieldFromId, fieldId, fieldLabel } from './fieldRefs';

export interface FieldChartSettings {
  readonly scatter?: { readonly x: FieldRef; readonly y: FieldRef };
  readonly parallel?: { readonly keys: readonly FieldRef[]; readonly color?: FieldRef };
}

/**
 * The experiment's any-vs-any charts over the selected runs: a scatter of one field against another,
 * and parallel coordinates over chosen fields coloured by one. The host builds both specs.
 */
export class FieldCharts {
  readonly scatterElement = el('section', { className: 'field-chart', attrs: { 'data-name': 'scatter' } });
  readonly parallelElement = el('section', { className: 'field-chart', attrs: { 'data-name': 'parallel' } });
  private readonly scatterControls = el('div', { className: 'toolbar' });
  private readonly parallelControls = el('div', { className: 'toolbar' });
  private readonly scatterChart = new VegaChart(el('div'));
  private readonly parallelChart = new VegaChart(el('div'));
  private readonly scatterNotes = el('div');
  private readonly parallelNotes = el('div');
  private fields: readonly FieldRef[] = [];

  constructor(
    private readonly ctx: DashboardContext,
    private settings: FieldChartSettings,
    private readonly onChange: (settings: FieldChartSettings) => void,
  ) {
    replaceChildren(this.scatterElement, this.scatterControls, this.scatterChart.container, this.scatterNotes);
    replaceChildren(this.parallelElement, this.parallelControls, this.parallelChart.container, this.parallelNotes);
  }

  /** Fetches and draws both charts for `runIds`; `defaults` fills in axes the person has not chosen yet. */
  async refresh(runIds: readonly string[], defaults: readonly FieldRef[], which: { scatter: boolean; parallel: boolean }): Promise<void> {
    const scatter = this.settings.scatter ?? defaultScatter(defaults);
    const parallel = this.settings.parallel ?? defaultParallel(defaults);
    if (runIds.length === 0 || (!which.scatter && !which.parallel)) return;
    const result = await this.ctx.client.request(ExperimentChartsRequest, {
      runIds,
      ...(which.scatter && scatter ? { scatter } : {}),
      ...(which.parallel && parallel ? { parallel } : {}),
    });
    this.fields = result.fields;
    if (which.scatter) {
      this.buildScatterControls(scatter);
      await this.draw(this.scatterChart, this.scatterNotes, result.scatter, 'Pick two fields to plot against each other.');
    }
    if (which.parallel) {
      this.buildParallelControls(parallel);
      await this.draw(this.parallelChart, this.parallelNotes, result.parallel, 'Pick two or more fields for parallel coordinates.');
    }
  }

  private async draw(chart: VegaChart, notes: HTMLElement, model: ChartModel | undefined, empty: string): Promise<void> {
    if (model === undefined) {
      chart.finalize();
      replaceChildren(notes, el('p', { className: 'empty', text: empty }));
      return;
    }
    replaceChildren(notes, ...model.notes.map((note) => el('p', { className: 'chart-note', text: note })));
    await chart.render(model.spec);
  }

  private change(settings: FieldChartSettings): void {
    this.settings = settings;
    this.onChange(settings);
  }

  private buildScatterControls(current: FieldChartSettings['scatter']): void {
    const options = this.fields.map((field) => ({ value: fieldId(field), label: fieldLabel(field) }));
    if (options.length === 0 || current === undefined) {
      replaceChildren(this.scatterControls);
      return;
    }
    const pick = (axis: 'x' | 'y') =>
      dropdown<string>({
        label: axis === 'x' ? 'X' : 'Y',
        name: `scatter-${axis}`,
        options,
        value: fieldId(current[axis]),
        onChange: (id) => {
          const field = fieldFromId(id, this.fields);
          if (field) this.change({ ...this.settings, scatter: { ...current, [axis]: field } });
        },
      });
    replaceChildren(this.scatterControls, pick('x'), pick('y'));
  }

  private buildParallelControls(current: FieldChartSettings['parallel']): void {
    const chosen = new Set((current?.keys ?? []).map(fieldId));
    const list = el('div', { className: 'picker-list' });
    for (const field of this.fields) {
      list.appendChild(
        checkbox(fieldLabel(field), chosen.has(fieldId(field)), (checked) => {
          const id = fieldId(field);
          if (checked) chosen.add(id);
          else chosen.delete(id);
          const keys = this.fields.filter((f) => chosen.has(fieldId(f)));
          this.change({ ...this.settings, parallel: { ...current, keys } });
        }),
      );
    }
    // Not '': the toolkit's dropdown would take an empty value for its own initial one and show it selected.
    const colourOptions = [{ value: noColour, label: '(none)' }, ...this.fields.map((field) => ({ value: fieldId(field), label: fieldLabel(field) }))];
    replaceChildren(
      this.parallelControls,
      el('details', { className: 'picker' }, el('summary', { text: `Axes (${chosen.size})` }), list),
      dropdown<string>({
        label: 'Colour by',
        name: 'parallel-color',
        options: colourOptions,
        value: current?.color ? fieldId(current.color) : noColour,
        onChange: (id) => {
          const color = fieldFromId(id, this.fields);
          this.change({ ...this.settings, parallel: { keys: current?.keys ?? [], ...(color ? { color } : {}) } });
        },
      }),
    );
  }
}

const noColour = 'none';

function defaultScatter(fields: readonly FieldRef[]): FieldChartSettings['scatter'] {
  const param = fields.find((f) => f.kind === 'param');
  const metric = fields.find((f) => f.kind === 'metric');
  const x = param ?? fields[0];
  const y = metric && metric !== x ? metric : fields.find((f) => f !== x);
  return x && y ? { x, y } : undefined;
}

function defaultParallel(fields: readonly FieldRef[]): FieldChartSettings['parallel'] {
  const params = fields.filter((f) => f.kind === 'param').slice(0, 5);
  const metric = fields.find((f) => f.kind === 'metric');
  const keys = metric ? [...params, metric] : params;
  return keys.length >= 2 ? { keys, ...(metric ? { color: metric } : {}) } : undefined;
}
