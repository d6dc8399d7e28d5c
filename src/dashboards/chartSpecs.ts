import type { TopLevelSpec } from 'vega-lite/build/index';
import type { XAxis } from '../protocol/dashboards/shapes';

// Vega-lite specs as plain JSON with their data inline. Field names in the data are our own
// (`run`, `x`, `value`...), never a run's keys: keys may hold dots and brackets, which vega-lite
// would read as paths. The only expressions are arithmetic and comparisons, which vega-interpreter
// evaluates without eval.
// Specs carry no colours or fonts: the webview's chart theme (webview/src/charts/chartTheme.ts) gives
// them from VS Code's theme at run time, and a spec's own `config` would override it.

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Legends past this many runs would crowd the chart; the tooltip names the run instead. */
const maxLegendEntries = 20;

export interface MetricChartRow {
  /** Run label, unique within the chart (the chart's series summaries map labels to run ids). */
  readonly run: string;
  readonly x: number;
  readonly value: number;
  /** Present when the chart is smoothed. */
  readonly smoothed?: number;
}

export interface MetricHistorySpecInput {
  readonly title: string;
  /** Each run's rows in ascending x: the lines are drawn in this order. */
  readonly rows: readonly MetricChartRow[];
  /** Run labels in legend order. */
  readonly runs: readonly string[];
  readonly xAxis: XAxis;
  readonly smoothed: boolean;
  readonly logScale: boolean;
  /** Add an invisible point layer so that hovering shows each point's values (costly past a few thousand points). */
  readonly pointTooltips: boolean;
}

const xAxisTitles: Record<XAxis, string> = { step: 'step', time: 'time', relative: 'relative time (s)' };

/**
 * One line per run, coloured by run. When smoothed, the smoothed curve is drawn over the raw one,
 * which stays faint behind it.
 */
export function metricHistorySpec(input: MetricHistorySpecInput): TopLevelSpec {
  const y = (field: 'value' | 'smoothed') => ({
    field,
    type: 'quantitative' as const,
    title: input.title,
    scale: { type: input.logScale ? ('log' as const) : ('linear' as const), zero: false },
  });
  const yField = input.smoothed ? 'smoothed' : 'value';
  const tooltip = [
    { field: 'run', type: 'nominal' as const, title: 'run' },
    { field: 'x', type: input.xAxis === 'time' ? ('temporal' as const) : ('quantitative' as const), title: xAxisTitles[input.xAxis] },
    { field: 'value', type: 'quantitative' as const, title: input.title, format: '.6~g' },
    ...(input.smoothed ? [{ field: 'smoothed', type: 'quantitative' as const, title: 'smoothed', format: '.6~g' }] : []),
  ];
  // vega-interpreter evaluates a line's encodings once per point, which is most of what a long chart
  // costs to draw. So a line carries nothing per point beyond its position and colour: it names its
  // run to screen readers and, without the hover points, in its tooltip (vega shows a line's first
  // point there, so more would mislead), instead of formatting a description of every point; and
  // it keeps the rows' order (ascending x per run) instead of sorting them again.
  const run = { field: 'run', type: 'nominal' as const, title: 'run' };
  const lineEncoding = { description: run, ...(input.pointTooltips ? {} : { tooltip: run }) };
  return {
    $schema: schema,
    title: input.title,
    width: 'container',
    height: 220,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'transparent',
    // The host sends numbers (times as epoch milliseconds): nothing to parse per row.
    data: { values: [...input.rows], format: { parse: null } },
    encoding: {
      x: {
        field: 'x',
        type: input.xAxis === 'time' ? 'temporal' : 'quantitative',
        title: xAxisTitles[input.xAxis],
      },
      color: {
        field: 'run',
        type: 'nominal',
        title: 'run',
        scale: { domain: [...input.runs] },
        legend: input.runs.length > 1 && input.runs.length <= maxLegendEntries ? { orient: 'bottom', labelLimit: 240 } : null,
      },
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: input.smoothed ? 1 : 1.5, opacity: input.smoothed ? 0.25 : 1, order: false },
        encoding: { y: y('value'), ...lineEncoding },
      },
      ...(input.smoothed ? [{ mark: { type: 'line' as const, strokeWidth: 1.5, order: false }, encoding: { y: y('smoothed'), ...lineEncoding } }] : []),
      ...(input.pointTooltips
        ? [{ mark: { type: 'point' as const, filled: true, size: 40, opacity: 0 }, encoding: { y: y(yField), tooltip } }]
        : []),
    ],
  };
}

export interface AxisDescription {
  readonly title: string;
  /** Quantitative when every value is a number; nominal otherwise. */
  readonly numeric: boolean;
}

export interface ScatterRow {
  readonly run: string;
  readonly runId: string;
  readonly x: number | string;
  readonly y: number | string;
}

/** Any param or metric against any other: one point per run. */
export function scatterSpec(rows: readonly ScatterRow[], x: AxisDescription, y: AxisDescription): TopLevelSpec {
  const axis = (field: 'x' | 'y', description: AxisDescription) =>
    description.numeric
      ? { field, type: 'quantitative' as const, title: description.title, scale: { zero: false } }
      : { field, type: 'nominal' as const, title: description.title, sort: 'ascending' as const };
  return {
    $schema: schema,
    width: 'container',
    height: 300,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'transparent',
    data: { values: [...rows] },
    mark: { type: 'point', filled: true, size: 60 },
    encoding: {
      x: axis('x', x),
      y: axis('y', y),
      tooltip: [
        { field: 'run', type: 'nominal', title: 'run' },
        { field: 'x', type: x.numeric ? 'quantitative' : 'nominal', title: x.title },
        { field: 'y', type: y.numeric ? 'quantitative' : 'nominal', title: y.title },
      ],
    },
  };
}

/** One run's value on one axis, in long form (what vega-lite's fold would produce). */
export interface ParallelRow {
  /** Position of the run: one line per index. */
  readonly index: number;
  readonly run: string;
  readonly runId: string;
  /** Axis label. */
  readonly key: string;
  /** The number placed on the axis (a category's rank for text values). */
  readonly value: number;
  /** The value as shown in the tooltip. */
  readonly shown: string;
  /** The colour metric's value, when colouring. */
  readonly color?: number;
  /** The run with the best colour metric: its line is drawn bold. */
  readonly best?: boolean;
}

const parallelHeight = 300;

/**
 * Parallel coordinates as vega-lite's classic example draws them: each axis normalised to [0, 1]
 * by its own min and max (joinaggregate + calculate), a rule per axis, and each axis's max, middle
 * and min written beside it. The data comes in long form: run keys may contain dots, which a
 * `fold` over field names would misread.
 */
export function parallelCoordinatesSpec(rows: readonly ParallelRow[], axes: readonly string[], colorTitle?: string): TopLevelSpec {
  const x = { field: 'key', type: 'nominal' as const, sort: [...axes], title: null };
  const axisLabel = (aggregate: 'max' | 'min', field: 'max' | 'min' | 'mid', y: number) => ({
    encoding: { x, y: { value: y } },
    layer: [
      { mark: { type: 'text' as const, style: 'label' }, encoding: { text: { aggregate, field, format: '.4~g' } } },
      { mark: { type: 'tick' as const, style: 'tick', size: 8 } },
    ],
  });
  return {
    $schema: schema,
    width: 'container',
    height: parallelHeight,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'transparent',
    data: { values: [...rows] },
    transform: [
      {
        joinaggregate: [
          { op: 'min', field: 'value', as: 'min' },
          { op: 'max', field: 'value', as: 'max' },
        ],
        groupby: ['key'],
      },
      { calculate: 'datum.max === datum.min ? 0.5 : (datum.value - datum.min) / (datum.max - datum.min)', as: 'norm' },
      { calculate: '(datum.min + datum.max) / 2', as: 'mid' },
    ],
    layer: [
      { mark: { type: 'rule' }, encoding: { detail: { aggregate: 'count' }, x } },
      {
        mark: { type: 'line' },
        encoding: {
          ...(colorTitle === undefined ? {} : { color: { field: 'color', type: 'quantitative' as const, title: colorTitle } }),
          detail: { field: 'index', type: 'nominal' },
          opacity: { condition: { test: 'datum.best', value: 1 }, value: 0.6 },
          strokeWidth: { condition: { test: 'datum.best', value: 4 }, value: 1.5 },
          x,
          y: { field: 'norm', type: 'quantitative', axis: null },
          tooltip: [
            { field: 'run', type: 'nominal', title: 'run' },
            { field: 'key', type: 'nominal', title: 'axis' },
            { field: 'shown', type: 'nominal', title: 'value' },
          ],
        },
      },
      axisLabel('max', 'max', 0),
      axisLabel('min', 'mid', parallelHeight / 2),
      axisLabel('min', 'min', parallelHeight),
    ],
    // Layout only: the colours stay the theme's.
    config: {
      axisX: { domain: false, labelAngle: 0, title: null },
      view: { stroke: null },
      style: { label: { baseline: 'middle', align: 'right', dx: -5 }, tick: { orient: 'horizontal' } },
    },
  };
}
