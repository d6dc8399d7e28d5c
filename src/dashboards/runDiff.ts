import type { DiffRow, DiffStatus, MetricDelta, MetricDiffRow } from '../protocol/dashboards/compareRequests';
import type { MetricAggregation, MetricDirection, MetricSummary } from '../protocol/dashboards/shapes';
import { resolveDirection } from '../core/runs/metricDirection';

/**
 * Rows of key → value for two or more runs (params, tags, dataset digests), one row per key any
 * run has, sorted by key. Values compare as the exact strings stored.
 */
export function diffKeyValues(perRun: readonly ReadonlyMap<string, string>[]): DiffRow[] {
  return unionOfKeys(perRun).map((key) => {
    const values = perRun.map((run) => run.get(key) ?? null);
    const status = diffStatus(values, (a, b) => a === b);
    return { key, values, status, differs: status !== 'equal' };
  });
}

export interface MetricDiffOptions {
  readonly directions?: Readonly<Record<string, MetricDirection>>;
  /** Which value deltas and "best" compare; `last` by default. */
  readonly aggregation?: MetricAggregation;
}

/**
 * Metric rows for two or more runs: each run's summary, deltas against the first run (the
 * baseline), and which runs are best by the metric's direction. Rows differ when the compared
 * values differ (NaN equals NaN here: "both diverged" is no difference).
 */
export function diffMetrics(
  perRun: readonly ReadonlyMap<string, MetricSummary>[],
  options: MetricDiffOptions = {},
): MetricDiffRow[] {
  const aggregation = options.aggregation ?? 'last';
  return unionOfKeys(perRun).map((key) => {
    const values = perRun.map((run) => run.get(key) ?? null);
    const compared = values.map((summary) => (summary === null ? null : summary[aggregation]));
    const { direction, source } = resolveDirection(key, options.directions);
    const baseline = compared[0];
    const deltas = compared.map((value, index) => (index === 0 || value === null || baseline === null ? null : delta(value, baseline)));
    const status = diffStatus(compared, sameNumber);
    return {
      key,
      direction,
      directionSource: source,
      values,
      deltas,
      best: bestIndexes(compared, direction),
      status,
      differs: status !== 'equal',
    };
  });
}

export function delta(value: number, baseline: number): MetricDelta {
  const absolute = value - baseline;
  const relative = baseline === 0 || !Number.isFinite(baseline) ? null : absolute / Math.abs(baseline);
  return { absolute, relative };
}

/** Runs holding the best value by direction; NaN never wins; ties all win; none when fewer than two runs have a value. */
export function bestIndexes(values: readonly (number | null)[], direction: MetricDirection): number[] {
  const comparable = values.flatMap((value, index) => (value === null || Number.isNaN(value) ? [] : [{ value, index }]));
  if (comparable.length < 2) return [];
  const pick = direction === 'lower' ? Math.min : Math.max;
  const best = pick(...comparable.map((entry) => entry.value));
  const winners = comparable.filter((entry) => entry.value === best).map((entry) => entry.index);
  // When every comparable run ties, nobody is better.
  return winners.length === comparable.length ? [] : winners;
}

/**
 * Two runs: equal, changed, onlyLeft, onlyRight. Three or more: equal, changed (all have it) or
 * partial (some lack it).
 */
export function diffStatus<T>(values: readonly (T | null)[], same: (a: T, b: T) => boolean): DiffStatus {
  const present = values.filter((value): value is T => value !== null);
  if (present.length < values.length) {
    if (values.length === 2) return values[0] === null ? 'onlyRight' : 'onlyLeft';
    return 'partial';
  }
  return present.every((value) => same(value, present[0])) ? 'equal' : 'changed';
}

/** Only rows that differ, when asked. */
export function onlyDiffering<Row extends { readonly differs: boolean }>(rows: readonly Row[], only: boolean): Row[] {
  return only ? rows.filter((row) => row.differs) : [...rows];
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || a === b;
}

function unionOfKeys(maps: readonly ReadonlyMap<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const map of maps) for (const key of map.keys()) keys.add(key);
  return [...keys].sort(compareKeys);
}

/** Code-point order: stable across locales, as the store sorts. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
