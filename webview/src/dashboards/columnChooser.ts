import type { TableColumn } from '../../../src/protocol/dashboards/experimentRequests';
import type { MetricAggregation } from '../../../src/protocol/dashboards/shapes';
import { checkbox } from '../components/checkbox';
import { el, replaceChildren } from '../components/dom';
import { dropdown } from '../components/dropdown';

export interface ColumnChoice {
  readonly hidden: ReadonlySet<string>;
  readonly aggregations: Readonly<Record<string, MetricAggregation>>;
}

/** Which columns the runs table shows, and how each metric column is reduced (last, min or max). */
export class ColumnChooser {
  readonly element = el('details', { className: 'picker column-chooser', attrs: { 'data-name': 'columns' } });

  constructor(private readonly onChange: (choice: ColumnChoice) => void) {}

  show(columns: readonly TableColumn[], choice: ColumnChoice): void {
    const hidden = new Set(choice.hidden);
    const aggregations = { ...choice.aggregations };
    const shown = columns.filter((c) => !hidden.has(c.id)).length;
    const list = el('div', { className: 'picker-list' });
    for (const column of columns) {
      if (column.id === 'attribute:name') continue; // the run's name identifies the row: always shown
      const row = el(
        'div',
        { className: 'column-choice' },
        checkbox(column.kind === 'metric' ? column.key : column.label, !hidden.has(column.id), (checked) => {
          if (checked) hidden.delete(column.id);
          else hidden.add(column.id);
          this.onChange({ hidden, aggregations });
        }),
      );
      if (column.kind === 'metric') {
        row.appendChild(
          dropdown<MetricAggregation>({
            name: 'aggregation',
            options: [
              { value: 'last', label: 'last' },
              { value: 'min', label: 'min' },
              { value: 'max', label: 'max' },
            ],
            value: aggregations[column.key] ?? 'last',
            onChange: (aggregation) => {
              aggregations[column.key] = aggregation;
              this.onChange({ hidden, aggregations });
            },
          }),
        );
      }
      list.appendChild(row);
    }
    const open = (this.element as HTMLDetailsElement).open;
    replaceChildren(this.element, el('summary', { text: `Columns (${shown} of ${columns.length})` }), list);
    (this.element as HTMLDetailsElement).open = open;
  }
}
