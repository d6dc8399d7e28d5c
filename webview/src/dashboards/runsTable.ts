import type { CellValue, ExperimentTableModel, TableColumn } from '../../../src/protocol/dashboards/experimentRequests';
import type { TableSort } from '../../../src/protocol/dashboards/state';
import { checkbox } from '../components/checkbox';
import { dataGrid, type GridCell, type GridColumn } from '../components/dataGrid';
import type { DashboardContext } from './context';
import { formatCell, formatDuration, formatTime } from './format';
import { runLink } from './navigation';
import { statusTag } from './statusTag';

export interface RunsTableOptions {
  readonly ctx: DashboardContext;
  readonly model: ExperimentTableModel;
  readonly columns: readonly TableColumn[];
  readonly sort: TableSort | undefined;
  readonly selected: ReadonlySet<string>;
  readonly onSort: (columnId: string) => void;
  readonly onSelect: (runId: string, selected: boolean) => void;
}

/** The experiment's runs, a column per shown param and metric; a checkbox per row selects it for charts and compare. */
export function runsTable(options: RunsTableOptions): HTMLElement {
  const { ctx, model, columns } = options;
  const gridColumns: GridColumn[] = [
    { id: 'select', title: '✓', width: '3em', description: 'Selected for the charts and for compare' },
    ...columns.map((column) => ({
      id: column.id,
      title: column.label,
      numeric: column.numeric,
      sortable: true,
      width: column.id === 'attribute:name' ? 'minmax(12em, 2fr)' : 'minmax(8em, 1fr)',
      description: `${column.label}${column.differs ? '' : ' (the same in every run)'}`,
    })),
  ];
  return dataGrid({
    name: 'runs',
    ariaLabel: `Runs of ${model.experiment.name}`,
    columns: gridColumns,
    sort: options.sort,
    onSort: (id) => {
      if (id !== 'select') options.onSort(id);
    },
    rows: model.rows.map((row) => ({
      key: row.runId,
      className: options.selected.has(row.runId) ? 'selected' : undefined,
      cells: [
        {
          text: options.selected.has(row.runId) ? 'selected' : '',
          content: checkbox('', options.selected.has(row.runId), (checked) => options.onSelect(row.runId, checked), 'select-run'),
        },
        ...columns.map((column): GridCell => {
          const value = row.cells[column.id] ?? null;
          if (column.id === 'attribute:name') {
            const name = typeof value === 'string' && value !== '' ? value : row.runId;
            return { text: name, title: row.runId, content: runLink(ctx, { runId: row.runId, name }) };
          }
          if (column.id === 'attribute:status' && typeof value === 'string') return { text: value, content: statusTag(row.status) };
          return { text: cellText(column, value), title: value === null ? 'not logged' : String(value), className: value === null ? 'missing' : undefined };
        }),
      ],
    })),
    empty: 'No runs match.',
  });
}

function cellText(column: TableColumn, value: CellValue): string {
  if (value === null) return '';
  if (column.id === 'attribute:startTime' && typeof value === 'number') return formatTime(value);
  if (column.id === 'attribute:duration' && typeof value === 'number') return formatDuration(value);
  return formatCell(value);
}
