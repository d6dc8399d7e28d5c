import { runLabels } from '../../../src/protocol/dashboardTitles';
import type { CompareRun, DiffRow, DiffStatus, MetricDiffRow } from '../../../src/protocol/dashboards/compareRequests';
import type { MetricDirection } from '../../../src/protocol/dashboards/shapes';
import { tag } from '../components/tag';
import { dataGrid, type GridCell, type GridColumn } from '../components/dataGrid';
import { el } from '../components/dom';
import { dropdown } from '../components/dropdown';
import { formatNumber, formatPercent, formatSigned } from './format';

const statusLabels: Readonly<Record<DiffStatus, string>> = {
  equal: 'equal',
  changed: 'changed',
  onlyLeft: 'only in A',
  onlyRight: 'only in B',
  partial: 'missing in some',
};

function runColumns(runs: readonly CompareRun[]): GridColumn[] {
  const labels = runLabels(runs);
  return runs.map((run, i) => ({
    id: `run:${run.runId}`,
    title: `${runs.length === 2 ? `${i === 0 ? 'A' : 'B'}: ` : ''}${labels[i]}${i === 0 && runs.length > 2 ? ' (baseline)' : ''}`,
    description: run.runId,
    width: 'minmax(9em, 1fr)',
  }));
}

function statusCell(status: DiffStatus): GridCell {
  return { text: statusLabels[status], content: tag(statusLabels[status], `diff-${status}`) };
}

/** Params, tags or datasets side by side; each row marked by its diff status. */
export function keyValueDiff(name: string, title: string, runs: readonly CompareRun[], rows: readonly DiffRow[], empty: string): HTMLElement {
  return dataGrid({
    name,
    ariaLabel: title,
    columns: [{ id: 'key', title: title, width: 'minmax(10em, 1.2fr)' }, { id: 'status', title: 'Diff', width: 'minmax(7em, 0.6fr)' }, ...runColumns(runs)],
    rows: rows.map((row) => ({
      key: row.key,
      className: `diff-row diff-${row.status}`,
      cells: [
        { text: row.key },
        statusCell(row.status),
        ...row.values.map((value) => (value === null ? { text: '—', title: 'not logged', className: 'missing' } : { text: value })),
      ],
    })),
    empty,
  });
}

/** Metrics side by side: value, delta against the baseline (absolute and relative), the best marked. */
export function metricDiff(
  runs: readonly CompareRun[],
  rows: readonly MetricDiffRow[],
  onDirection: (key: string, direction: MetricDirection) => void,
): HTMLElement {
  return dataGrid({
    name: 'metric-diff',
    ariaLabel: 'Metrics',
    columns: [
      { id: 'key', title: 'Metric', width: 'minmax(10em, 1.2fr)' },
      { id: 'direction', title: 'Better', width: 'minmax(8em, 0.6fr)', description: 'Which way is better; from the name unless you choose' },
      ...runColumns(runs),
    ],
    rows: rows.map((row) => ({
      key: row.key,
      className: `diff-row diff-${row.status}`,
      cells: [
        { text: row.key },
        {
          text: row.direction,
          content: dropdown<MetricDirection>({
            name: 'direction',
            options: [
              { value: 'lower', label: 'lower' },
              { value: 'higher', label: 'higher' },
            ],
            value: row.direction,
            onChange: (direction) => onDirection(row.key, direction),
          }),
        },
        ...row.values.map((summary, i): GridCell => {
          if (summary === null) return { text: '—', title: 'not logged', className: 'missing' };
          const delta = row.deltas[i];
          const best = row.best.includes(i);
          const text = formatNumber(summary.last);
          const deltaText = delta ? `${formatSigned(delta.absolute)}${delta.relative === null ? '' : ` (${formatPercent(delta.relative)})`}` : '';
          return {
            text: deltaText ? `${text} ${deltaText}` : text,
            title: `last ${summary.last}, min ${summary.min}, max ${summary.max}, ${summary.points} points`,
            className: best ? 'best' : undefined,
            content: el(
              'span',
              { className: 'metric-value' },
              el('span', { text }),
              deltaText ? el('span', { className: `delta ${deltaClass(delta!.absolute, row.direction)}`, text: deltaText }) : null,
              best && runs.length > 1 ? tag('best', 'best-tag') : null,
            ),
          };
        }),
      ],
    })),
    empty: 'No metrics to compare.',
  });
}

function deltaClass(absolute: number, direction: MetricDirection): string {
  if (absolute === 0 || Number.isNaN(absolute)) return 'same';
  return (absolute < 0) === (direction === 'lower') ? 'better' : 'worse';
}
