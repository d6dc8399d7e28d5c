import type { CellValue, TableColumn, TableRow } from '../protocol/dashboards/experimentRequests';
import type { MetricAggregation, MetricSummary, RunAttribute, RunStatus } from '../protocol/dashboards/shapes';
import type { TableSort } from '../protocol/dashboards/state';
import type { Run } from '../core/entities';
import { csvRecord, type CsvCell } from './csv';
import { compareKeys } from './runDiff';

/** A run with its metric summaries: what one table row is made from. */
export interface TableRun {
  readonly run: Run;
  readonly metrics: ReadonlyMap<string, MetricSummary>;
}

export interface TableOptions {
  readonly aggregations?: Readonly<Record<string, MetricAggregation>>;
  /** For the duration of running runs. */
  readonly now: number;
}

const attributeColumns: readonly { key: RunAttribute; label: string; csv: string; numeric: boolean }[] = [
  { key: 'name', label: 'Run', csv: 'run_name', numeric: false },
  { key: 'status', label: 'Status', csv: 'status', numeric: false },
  { key: 'startTime', label: 'Started', csv: 'start_time', numeric: true },
  { key: 'duration', label: 'Duration', csv: 'duration_ms', numeric: true },
  { key: 'user', label: 'User', csv: 'user_id', numeric: false },
];

export function columnId(kind: TableColumn['kind'], key: string): string {
  return `${kind}:${key}`;
}

/**
 * The experiment table: run attributes, then a column per param and per metric (sorted by key;
 * metrics reduced by their aggregation, `last` by default), with `differs` set on columns whose
 * values are not all the same across these runs. Rows keep the order of `runs`.
 */
export function buildTable(runs: readonly TableRun[], options: TableOptions): { columns: TableColumn[]; rows: TableRow[] } {
  const paramKeys = new Set<string>();
  const metricKeys = new Set<string>();
  for (const { run, metrics } of runs) {
    for (const param of run.data.params ?? []) paramKeys.add(param.key);
    for (const key of metrics.keys()) metricKeys.add(key);
  }
  const rows: TableRow[] = runs.map(({ run, metrics }) => {
    const cells: Record<string, CellValue> = {};
    for (const attribute of attributeColumns) cells[columnId('attribute', attribute.key)] = attributeValue(run, attribute.key, options.now);
    const params = new Map((run.data.params ?? []).map((param) => [param.key, param.value]));
    for (const key of paramKeys) cells[columnId('param', key)] = params.get(key) ?? null;
    for (const key of metricKeys) {
      const summary = metrics.get(key);
      cells[columnId('metric', key)] = summary === undefined ? null : summary[aggregationOf(key, options.aggregations)];
    }
    return {
      runId: run.info.run_id,
      status: run.info.status as RunStatus,
      ...(run.info.lifecycle_stage === 'deleted' ? { deleted: true } : {}),
      cells,
    };
  });

  const columns: TableColumn[] = [
    ...attributeColumns.map((attribute) => ({
      id: columnId('attribute', attribute.key),
      kind: 'attribute' as const,
      key: attribute.key,
      label: attribute.label,
      numeric: attribute.numeric,
      differs: false,
    })),
    ...[...paramKeys].sort(compareKeys).map((key) => ({
      id: columnId('param', key),
      kind: 'param' as const,
      key,
      label: key,
      numeric: false,
      differs: false,
    })),
    ...[...metricKeys].sort(compareKeys).map((key) => {
      const aggregation = aggregationOf(key, options.aggregations);
      return {
        id: columnId('metric', key),
        kind: 'metric' as const,
        key,
        label: aggregation === 'last' ? key : `${key} (${aggregation})`,
        aggregation,
        numeric: true,
        differs: false,
      };
    }),
  ].map((column) => {
    const values = rows.map((row) => row.cells[column.id]);
    return {
      ...column,
      numeric: column.kind === 'param' ? values.some((v) => v !== null) && values.every((v) => v === null || isNumericText(v)) : column.numeric,
      differs: values.some((value) => !Object.is(value, values[0])),
    };
  });
  return { columns, rows };
}

/** Rows sorted by a column; runs lacking the value come last in either direction, then NaN; ties keep their order. */
export function sortRows(rows: readonly TableRow[], columns: readonly TableColumn[], sort: TableSort): TableRow[] {
  const column = columns.find((candidate) => candidate.id === sort.column);
  if (column === undefined) return [...rows];
  const sign = sort.direction === 'asc' ? 1 : -1;
  const numeric = column.numeric;
  const collator = new Intl.Collator(undefined, { numeric: true });
  const rank = (value: CellValue) => (value === null ? 2 : numeric && Number.isNaN(Number(value)) ? 1 : 0);
  return rows
    .map((row, index) => ({ row, index, value: row.cells[column.id] }))
    .sort((a, b) => {
      const byRank = rank(a.value) - rank(b.value);
      if (byRank !== 0) return byRank;
      if (rank(a.value) === 0) {
        const order = numeric ? Number(a.value) - Number(b.value) : collator.compare(String(a.value), String(b.value));
        if (order !== 0) return sign * order;
      }
      return a.index - b.index;
    })
    .map((entry) => entry.row);
}

/**
 * RFC 4180 CSV of the rows: `run_id`, then the columns (in the order given). Values exactly as
 * stored: params as their strings, metrics with every digit (NaN, Infinity, -Infinity spelled out),
 * times in epoch milliseconds; empty where the run lacks the value.
 */
export function tableCsv(columns: readonly TableColumn[], rows: readonly TableRow[]): string {
  const header = ['run_id', ...columns.map(csvHeader)];
  let text = csvRecord(header);
  for (const row of rows) {
    text += csvRecord([row.runId, ...columns.map((column) => cellText(row.cells[column.id] ?? null))]);
  }
  return text;
}

function csvHeader(column: TableColumn): string {
  switch (column.kind) {
    case 'attribute':
      return attributeColumns.find((attribute) => attribute.key === column.key)?.csv ?? column.key;
    case 'param':
      return `params.${column.key}`;
    case 'metric':
      return column.aggregation === undefined || column.aggregation === 'last'
        ? `metrics.${column.key}`
        : `metrics.${column.key} (${column.aggregation})`;
  }
}

function cellText(value: CellValue): CsvCell {
  return value ?? '';
}

function attributeValue(run: Run, attribute: RunAttribute, now: number): CellValue {
  const info = run.info;
  switch (attribute) {
    case 'name':
      return info.run_name;
    case 'status':
      return info.status;
    case 'startTime':
      return info.start_time;
    case 'duration':
      return durationOf(info.start_time, info.end_time, info.status, now);
    case 'user':
      return info.user_id;
  }
}

/** End minus start; now minus start while running; null when a finished run has no end time. */
export function durationOf(start: number, end: number | undefined, status: string, now: number): number | null {
  if (end !== undefined && end > 0) return Math.max(0, end - start);
  return status === 'RUNNING' || status === 'SCHEDULED' ? Math.max(0, now - start) : null;
}

function aggregationOf(key: string, aggregations: Readonly<Record<string, MetricAggregation>> = {}): MetricAggregation {
  return Object.prototype.hasOwnProperty.call(aggregations, key) ? aggregations[key] : 'last';
}

/** A param that reads as a number (`0.01`, `-3`, `1e-4`), so its column sorts and plots numerically. */
export function isNumericText(value: CellValue): boolean {
  if (typeof value === 'number') return true;
  return value !== null && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value);
}
