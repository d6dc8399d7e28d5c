import type { ComparisonOperator, FieldRef } from './filterAst';
import type { FaultReporter } from './filterError';
import { fragment, type SqlFragment } from './sqlFragment';

/** What a field holds, which decides the operators and values it accepts. */
export type ValueType = 'string' | 'number';

/** One comparison, ready to be applied to whichever column holds the field's value. */
export interface ValueTest {
  readonly operator: ComparisonOperator;
  /** LIKE, ILIKE and anchored RLIKE: the literal characters every matching value starts with; '' otherwise. */
  readonly literalPrefix: string;
  /** `<column> <operator> ?`, with the comparison's value(s) bound. */
  on(column: string | SqlFragment): SqlFragment;
}

/** A field a filter can compare, resolved against the schema. */
export interface FilterField {
  /** For messages: "metric 'rmse'", "attribute 'status'". */
  readonly label: string;
  readonly type: ValueType;
  /** The operators the field takes when they are not its type's usual ones (traces: MLflow's set per field). */
  readonly operators?: OperatorRule;
  /** The SQL predicate for one comparison; an entity lacking the field never matches. */
  where(test: ValueTest): SqlFragment;
}

/** A field's own operators, and how MLflow words the refusal of any other. */
export interface OperatorRule {
  readonly allowed: readonly ComparisonOperator[];
  refusal(operator: ComparisonOperator): string;
}

/**
 * Entity prefixes as MLflow spells them, in any case. `run.` is added by the runs catalog; the
 * trace-only kinds (`request_metadata.`, `span.`, `feedback.`, `expectation.`) by the traces catalog.
 */
export type EntityKind = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset' | 'metadata' | 'span' | 'feedback' | 'expectation';
const entityPrefixes: Readonly<Record<string, EntityKind>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

/** The fields one kind of entity (runs, experiments, ...) can be filtered on. */
export interface FilterCatalog {
  /** Plural noun for messages: "runs". */
  readonly subject: string;
  /** Attributes by every accepted name, aliases included. */
  readonly attributes: Readonly<Record<string, FilterField>>;
  /** The names to suggest when an attribute is unknown. */
  readonly attributeNames: readonly string[];
  /** Fields under `metrics.`, `params.`, `tags.`, `datasets.`, for the entity kinds this subject has. */
  readonly keyed: Partial<Record<Exclude<EntityKind, 'attribute'>, (key: string) => FilterField | undefined>>;
  /** Extra prefixes for this subject only, e.g. `run` for runs' attributes. */
  readonly extraPrefixes?: Readonly<Record<string, EntityKind>>;
}

/** Resolves a parsed field against a catalog; unknown fields are faults that point at the field. */
export function resolveFilterField(catalog: FilterCatalog, field: FieldRef, faults: FaultReporter): FilterField {
  const kind = entityKindOf(catalog, field, faults);
  if (kind === 'attribute') {
    const attribute = own(catalog.attributes, field.key);
    if (attribute === undefined) {
      faults.fail(`unknown attribute '${field.key}' for ${catalog.subject}: use one of ${catalog.attributeNames.join(', ')}`, field.offset);
    }
    return attribute;
  }
  if (field.key === '') faults.fail(`the key after '${field.entity}.' is empty`, field.offset);
  const make = catalog.keyed[kind];
  if (make === undefined) faults.fail(`${catalog.subject} have no ${kind}s to filter on; ${describeCatalog(catalog)}`, field.offset);
  const resolved = make(field.key);
  // Only datasets and spans have a closed set of keys.
  if (resolved === undefined) faults.fail(`unknown ${kind} field '${field.key}': use one of ${kind === 'span' ? 'name, type, status, attributes.<key>' : 'name, digest, context'}`, field.offset);
  return resolved;
}

/** The entity kind a field names: its prefix, or attribute for a bare name. */
export function entityKindOf(catalog: FilterCatalog, field: FieldRef, faults: FaultReporter): EntityKind {
  if (field.entity === undefined) return 'attribute';
  const prefix = field.entity.toLowerCase();
  const kind = own(catalog.extraPrefixes ?? {}, prefix) ?? own(entityPrefixes, prefix);
  if (kind === undefined) faults.fail(`unknown entity '${field.entity}': ${describeCatalog(catalog)}`, field.offset);
  return kind;
}

function describeCatalog(catalog: FilterCatalog): string {
  const prefixes = Object.keys(catalog.keyed).map((kind) => `${kind}s.<key>`);
  return `filter ${catalog.subject} on ${[...prefixes, 'attributes (' + catalog.attributeNames.join(', ') + ')'].join(', ')}`;
}

/** A column of the searched table itself. */
export function columnField(label: string, type: ValueType, column: string): FilterField {
  return { label, type, where: (test) => test.on(column) };
}

/**
 * A key-value table such as params or tags: matches when the entity has the key and its value
 * passes the test. `owner` correlates the table (alias `k`) with the searched row, e.g.
 * `k.run_id = runs.run_id`; the key is a bound parameter.
 */
export function keyValueField(label: string, table: string, owner: string, key: string): FilterField {
  return {
    label,
    type: 'string',
    where: (test) => {
      const value = test.on('k.value');
      return fragment(`EXISTS (SELECT 1 FROM ${table} AS k WHERE ${owner} AND k.key = ? AND ${value.sql})`, [key, ...value.params]);
    },
  };
}

/** A record's own property: user text such as `constructor` must not find Object's. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
