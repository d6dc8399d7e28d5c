import type { ChartModel, FieldRef, MetricDirection, MetricSummary, RunAttribute } from '../protocol/dashboards/shapes';
import type { Run } from '../core/entities';
import { parallelCoordinatesSpec, scatterSpec, type ParallelRow, type ScatterRow } from './chartSpecs';
import { directionByName } from '../core/runs/metricDirection';
import { compareKeys } from './runDiff';
import { durationOf, isNumericText } from './tableModel';

export interface ChartRun {
  readonly run: Run;
  /** Legend label, unique among the runs. */
  readonly label: string;
  readonly metrics: ReadonlyMap<string, MetricSummary>;
}

export function fieldLabel(field: FieldRef): string {
  switch (field.kind) {
    case 'param':
      return `params.${field.key}`;
    case 'metric':
      return field.aggregation === undefined || field.aggregation === 'last' ? `metrics.${field.key}` : `metrics.${field.key} (${field.aggregation})`;
    case 'attribute':
      return field.key;
  }
}

/** A run's value of a field; undefined when it has none (or a metric value no axis can place). */
export function fieldValue(entry: ChartRun, field: FieldRef, now: number): string | number | undefined {
  switch (field.kind) {
    case 'param':
      return entry.run.data.params?.find((param) => param.key === field.key)?.value;
    case 'metric': {
      const value = entry.metrics.get(field.key)?.[field.aggregation ?? 'last'];
      return value === undefined || !Number.isFinite(value) ? undefined : value;
    }
    case 'attribute':
      return attributeValue(entry.run, field.key, now);
  }
}

function attributeValue(run: Run, attribute: RunAttribute, now: number): string | number | undefined {
  switch (attribute) {
    case 'name':
      return run.info.run_name;
    case 'status':
      return run.info.status;
    case 'startTime':
      return run.info.start_time;
    case 'duration':
      return durationOf(run.info.start_time, run.info.end_time, run.info.status, now) ?? undefined;
    case 'user':
      return run.info.user_id;
  }
}

/** Params and metrics the runs have, for axis pickers. */
export function availableFields(runs: readonly ChartRun[]): FieldRef[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const entry of runs) {
    for (const param of entry.run.data.params ?? []) params.add(param.key);
    for (const key of entry.metrics.keys()) metrics.add(key);
  }
  return [
    ...[...params].sort(compareKeys).map((key): FieldRef => ({ kind: 'param', key })),
    ...[...metrics].sort(compareKeys).map((key): FieldRef => ({ kind: 'metric', key })),
  ];
}

/** One point per run that has both values; an axis is numeric when all its values read as numbers. */
export function buildScatterChart(runs: readonly ChartRun[], x: FieldRef, y: FieldRef, now: number): ChartModel {
  const present = runs.flatMap((entry) => {
    const xValue = fieldValue(entry, x, now);
    const yValue = fieldValue(entry, y, now);
    return xValue === undefined || yValue === undefined ? [] : [{ entry, xValue, yValue }];
  });
  const xNumeric = present.every((point) => isNumericText(point.xValue));
  const yNumeric = present.every((point) => isNumericText(point.yValue));
  const rows: ScatterRow[] = present.map(({ entry, xValue, yValue }) => ({
    run: entry.label,
    runId: entry.run.info.run_id,
    x: xNumeric ? Number(xValue) : String(xValue),
    y: yNumeric ? Number(yValue) : String(yValue),
  }));
  const notes = missingNote(runs.length - rows.length, `${fieldLabel(x)} or ${fieldLabel(y)}`);
  return {
    spec: scatterSpec(rows, { title: fieldLabel(x), numeric: xNumeric }, { title: fieldLabel(y), numeric: yNumeric }),
    notes,
  };
}

/**
 * Parallel coordinates over `axes` (runs lacking any of them are left out). A text-valued axis
 * places its values in sorted order, evenly spaced; the notes say which rank is which value. When
 * the colour is a metric, the run best on it (lowest for loss-like names, or as `direction` says)
 * is drawn bold and named in the notes: a sweep's answer at a glance.
 */
export function buildParallelChart(
  runs: readonly ChartRun[],
  axes: readonly FieldRef[],
  color: FieldRef | undefined,
  now: number,
  direction?: MetricDirection,
): ChartModel {
  const labels = axes.map(fieldLabel);
  const complete = runs.flatMap((entry) => {
    const values = axes.map((axis) => fieldValue(entry, axis, now));
    const colorValue = color === undefined ? undefined : fieldValue(entry, color, now);
    if (values.some((value) => value === undefined)) return [];
    if (color !== undefined && (colorValue === undefined || !isNumericText(colorValue))) return [];
    return [{ entry, values: values as (string | number)[], colorValue }];
  });
  const notes = missingNote(runs.length - complete.length, color === undefined ? 'some axis' : 'some axis or the colour');
  const placers = axes.map((_, axis) => placer(complete.map((run) => run.values[axis])));
  placers.forEach((place, axis) => {
    if (place.categories) notes.push(`${labels[axis]}: ${place.categories.map((value, rank) => `${rank} = ${value}`).join(', ')}`);
  });
  const best = color?.kind === 'metric' ? bestIndex(complete.map((run) => Number(run.colorValue)), direction ?? directionByName(color.key)) : undefined;
  if (best !== undefined) {
    notes.push(`Best run (${(direction ?? directionByName(color!.key)) === 'lower' ? 'lowest' : 'highest'} ${fieldLabel(color!)}): ${complete[best].entry.label}, ${String(complete[best].colorValue)}`);
  }
  const rows: ParallelRow[] = complete.flatMap(({ entry, values, colorValue }, index) =>
    values.map((value, axis) => ({
      index,
      run: entry.label,
      runId: entry.run.info.run_id,
      key: labels[axis],
      value: placers[axis].place(value),
      shown: String(value),
      ...(colorValue === undefined ? {} : { color: Number(colorValue) }),
      ...(index === best ? { best: true } : {}),
    })),
  );
  return { spec: parallelCoordinatesSpec(rows, labels, color === undefined ? undefined : fieldLabel(color)), notes };
}

/** The index of the lowest (or highest) value; undefined for none. */
function bestIndex(values: readonly number[], direction: MetricDirection): number | undefined {
  let best: number | undefined;
  values.forEach((value, index) => {
    if (best === undefined || (direction === 'lower' ? value < values[best] : value > values[best])) best = index;
  });
  return best;
}

function placer(values: readonly (string | number)[]): { place: (value: string | number) => number; categories?: string[] } {
  if (values.every(isNumericText)) return { place: Number };
  const categories = [...new Set(values.map(String))].sort(compareKeys);
  const rank = new Map(categories.map((value, index) => [value, index]));
  return { place: (value) => rank.get(String(value)) ?? 0, categories };
}

function missingNote(missing: number, what: string): string[] {
  return missing > 0 ? [`${missing} ${missing === 1 ? 'run has' : 'runs have'} no value for ${what}.`] : [];
}
