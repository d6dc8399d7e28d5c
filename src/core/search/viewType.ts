import { invalidParameter } from '../errors';
import { fragment, type SqlFragment } from './sqlFragment';

/** MLflow's ViewType: which lifecycle stages a search returns. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

// proto3 JSON may carry an enum as its number.
const viewTypeByNumber: Readonly<Record<number, ViewType>> = { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' };

/**
 * The condition on `column` (a lifecycle_stage column) for a view type; undefined for ALL.
 * Active only by default, as MLflow. Anything but a ViewType name or number is a 400.
 */
export function lifecycleCondition(column: string, viewType: string | number | undefined, parameter: string): SqlFragment | undefined {
  const resolved = typeof viewType === 'number' ? viewTypeByNumber[viewType] : (viewType ?? 'ACTIVE_ONLY');
  switch (resolved) {
    case 'ACTIVE_ONLY':
      return fragment(`${column} = ?`, ['active']);
    case 'DELETED_ONLY':
      return fragment(`${column} = ?`, ['deleted']);
    case 'ALL':
      return undefined;
    default:
      throw invalidParameter(`Invalid value ${JSON.stringify(viewType)} for parameter '${parameter}': use ACTIVE_ONLY, DELETED_ONLY or ALL`);
  }
}
