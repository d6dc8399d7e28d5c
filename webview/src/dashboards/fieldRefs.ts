import type { TableColumn, TableRow } from '../../../src/protocol/dashboards/experimentRequests';
import type { FieldRef, MetricAggregation } from '../../../src/protocol/dashboards/shapes';

/** A FieldRef as a string, for dropdown values: `param:lr`, `metric:rmse:min`, `attribute:duration`. */
export function fieldId(field: FieldRef): string {
  if (field.kind === 'metric') return `metric:${field.aggregation ?? 'last'}:${field.key}`;
  return `${field.kind}:${field.key}`;
}

export function fieldFromId(id: string, fields: readonly FieldRef[]): FieldRef | undefined {
  return fields.find((field) => fieldId(field) === id);
}

export function fieldLabel(field: FieldRef): string {
  if (field.kind === 'metric') return `metrics.${field.key}${field.aggregation && field.aggregation !== 'last' ? ` (${field.aggregation})` : ''}`;
  if (field.kind === 'param') return `params.${field.key}`;
  return field.key;
}

/**
 * The charts' fields for the table's param and metric columns that every one of `rows` has (a run
 * lacking an axis drops out of a scatter or parallel chart), metrics reduced as the table reduces them.
 */
export function sharedFields(
  columns: readonly TableColumn[],
  rows: readonly TableRow[],
  aggregations: Readonly<Record<string, MetricAggregation>>,
): FieldRef[] {
  const fields: FieldRef[] = [];
  for (const column of columns) {
    if (rows.some((row) => (row.cells[column.id] ?? null) === null)) continue;
    if (column.kind === 'param') fields.push({ kind: 'param', key: column.key });
    else if (column.kind === 'metric') fields.push({ kind: 'metric', key: column.key, aggregation: aggregations[column.key] ?? 'last' });
  }
  return fields;
}
