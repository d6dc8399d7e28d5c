import type { Run } from '../../core/entities';
import { defaultSort, type RunSort } from './runsViewState';

/** One way to order runs that the sort picker offers. */
export interface SortChoice {
  readonly field: string;
  readonly label: string;
  readonly source: 'attribute' | 'metric' | 'param';
  /** The natural first direction: newest, highest, A to Z. */
  readonly ascendingFirst: boolean;
}

/** A metric or param key as an order_by field, quoted so that any key reads as one name. */
export function keyedField(entity: 'metrics' | 'params', key: string): string {
  return `${entity}.\`${key.replace(/`/g, '``')}\``;
}

/** Start time, end time, name, then every metric and param key seen among `runs`, sorted by name. */
export function sortChoices(runs: Iterable<Run>): SortChoice[] {
  const metrics = new Set<string>();
  const params = new Set<string>();
  for (const run of runs) {
    for (const m of run.data.metrics ?? []) metrics.add(m.key);
    for (const p of run.data.params ?? []) params.add(p.key);
  }
  return [
    { field: defaultSort.field, label: 'start time', source: 'attribute', ascendingFirst: false },
    { field: 'attributes.end_time', label: 'end time', source: 'attribute', ascendingFirst: false },
    { field: 'attributes.run_name', label: 'name', source: 'attribute', ascendingFirst: true },
    ...[...metrics].sort().map((key): SortChoice => ({ field: keyedField('metrics', key), label: key, source: 'metric', ascendingFirst: true })),
    ...[...params].sort().map((key): SortChoice => ({ field: keyedField('params', key), label: key, source: 'param', ascendingFirst: true })),
  ];
}

/** The view's description of an order, e.g. "loss ↑". */
export function describeSort(sort: RunSort): string {
  return `${sort.label} ${sort.ascending ? '↑' : '↓'}`;
}
