/**
 * The syntax tree of MLflow's search filter language, plus RunLens's OR and parentheses.
 * Every node keeps the offset where it starts in the source, so that an error found after
 * parsing (an unknown attribute, a string compared with a metric) can still point at it.
 */

export const comparisonOperators = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN'] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

/** `metrics.rmse`, ``params.`my key` ``, `status`. */
export interface FieldRef {
  /** The entity prefix as written (`metrics`, `tag`, ...); absent for a bare attribute name. */
  readonly entity?: string;
  /** The key, unquoted: `rmse`, `my key`, `mlflow.runName`, `status`. */
  readonly key: string;
  /** The field as written, for messages. */
  readonly text: string;
  readonly offset: number;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly text: string;
  readonly offset: number;
}

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  readonly text: string;
  readonly offset: number;
}

export type Literal = StringLiteral | NumberLiteral;

/** `('a', 'b')`, the right side of IN and NOT IN. */
export interface ListLiteral {
  readonly kind: 'list';
  readonly items: readonly Literal[];
  readonly offset: number;
}

export interface Comparison {
  readonly kind: 'comparison';
  readonly field: FieldRef;
  readonly operator: ComparisonOperator;
  readonly operatorOffset: number;
  /** A list exactly when the operator is IN or NOT IN. */
  readonly value: Literal | ListLiteral;
}

/** AND binds tighter than OR; the parser builds these flat (a AND b AND c is one node). */
export interface Junction {
  readonly kind: 'and' | 'or';
  readonly operands: readonly FilterExpression[];
}

export type FilterExpression = Comparison | Junction;

/** Every comparison of an expression, in source order. */
export function comparisonsOf(expression: FilterExpression): Comparison[] {
  return expression.kind === 'comparison' ? [expression] : expression.operands.flatMap(comparisonsOf);
}
