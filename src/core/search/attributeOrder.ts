import type { FaultReporter } from './filterError';
import { entityKindOf, own, type FilterCatalog } from './filterFields';
import type { OrderByClause } from './orderByParser';
import { columnTerm, type OrderTerm } from './orderTerms';

/** An attribute a search can be ordered by: `id` is shared by aliases (`timestamp`, `last_updated_timestamp`). */
export interface OrderableAttribute {
  readonly id: string;
  readonly column: string;
}

/** The term for a clause that must name one of `attributes` (bare or under `attributes.`). */
export function attributeOrderTerm(
  clause: OrderByClause,
  attributes: Readonly<Record<string, OrderableAttribute>>,
  catalog: FilterCatalog,
  faults: FaultReporter,
): OrderTerm {
  const kind = entityKindOf(catalog, clause.field, faults);
  const found = kind === 'attribute' ? own(attributes, clause.field.key) : undefined;
  if (found === undefined) {
    faults.fail(`${catalog.subject} can be ordered by ${Object.keys(attributes).join(', ')}; not by '${clause.field.text}'`, clause.field.offset);
  }
  return columnTerm(found.id, found.column, clause.ascending);
}
