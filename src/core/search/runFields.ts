import type { FaultReporter } from './filterError';
import { columnField, entityKindOf, keyValueField, own, type FilterCatalog, type FilterField, type ValueType } from './filterFields';
import type { OrderByClause } from './orderByParser';
import { columnTerm, nullsLast, type OrderTerm } from './orderTerms';
import { fragment } from './sqlFragment';

/** Completes "expected a field such as ..." in run filters and order_by clauses. */
export const runFieldExample = 'metrics.rmse, params.lr, tags.team or status';

/** The tag an input's dataset context is kept under (MLflow's mlflow.data.context). */
const datasetContextTag = 'mlflow.data.context';

interface RunAttribute {
  readonly name: string;
  readonly type: ValueType;
  readonly column: string;
}

function attribute(name: string, type: ValueType, column: string): RunAttribute {
  return { name, type, column };
}

const runName = attribute('run_name', 'string', 'runs.name');
const startTime = attribute('start_time', 'number', 'runs.start_time');

/**
 * MLflow's searchable run attributes with its aliases (`created` for start_time, `Run name` for
 * run_name), plus lifecycle_stage. Times are milliseconds since the epoch.
 */
const runAttributes: Readonly<Record<string, RunAttribute>> = {
  run_id: attribute('run_id', 'string', 'runs.run_id'),
  run_name: runName,
  'run name': runName,
  'Run name': runName,
  'Run Name': runName,
  user_id: attribute('user_id', 'string', 'runs.user_id'),
  status: attribute('status', 'string', 'runs.status'),
  artifact_uri: attribute('artifact_uri', 'string', 'runs.artifact_uri'),
  lifecycle_stage: attribute('lifecycle_stage', 'string', 'runs.lifecycle_stage'),
  start_time: startTime,
  created: startTime,
  Created: startTime,
  end_time: attribute('end_time', 'number', 'runs.end_time'),
};

const runAttributeNames = ['run_id', 'run_name', 'status', 'user_id', 'start_time', 'end_time', 'artifact_uri', 'lifecycle_stage'];

/** Filters on a metric see its latest value (latest_metrics), as MLflow. */
function latestMetricField(key: string): FilterField {
  return {
    label: `metric '${key}'`,
    type: 'number',
    where: (test) => {
      const value = test.on('k.value');
      // NaN is kept as a NULL value with is_nan = 1. Like IEEE (and MLflow's in-memory filter),
      // NaN differs from every number and is neither less nor greater than any.
      const condition = test.operator === '!=' ? `(k.is_nan = 1 OR ${value.sql})` : value.sql;
      return fragment(`EXISTS (SELECT 1 FROM latest_metrics AS k WHERE k.run_id = runs.run_id AND k.key = ? AND ${condition})`, [
        key,
        ...value.params,
      ]);
    },
  };
}

/** `datasets.name`, `datasets.digest` and `datasets.context`: a run matches when any of its inputs does. */
function datasetField(key: string): FilterField | undefined {
  const label = `dataset field '${key}'`;
  if (key === 'name' || key === 'digest') {
    const column = key === 'name' ? 'd.name' : 'd.digest';
    return {
      label,
      type: 'string',
      where: (test) => {
        const value = test.on(column);
        return fragment(
          `EXISTS (SELECT 1 FROM run_inputs AS ri JOIN datasets AS d ON d.dataset_id = ri.dataset_id WHERE ri.run_id = runs.run_id AND ${value.sql})`,
          value.params,
        );
      },
    };
  }
  if (key === 'context') {
    return {
      label,
      type: 'string',
      where: (test) => {
        // run_inputs.tags_json holds the input's tags as MLflow's InputTag list: [{"key": ..., "value": ...}].
        const value = test.on("CASE WHEN it.type = 'object' THEN json_extract(it.value, '$.value') END");
        return fragment(
          `EXISTS (SELECT 1 FROM run_inputs AS ri, json_each(CASE WHEN json_valid(ri.tags_json) THEN ri.tags_json ELSE '[]' END) AS it ` +
            `WHERE ri.run_id = runs.run_id AND CASE WHEN it.type = 'object' THEN json_extract(it.value, '$.key') END = ? AND ${value.sql})`,
          [datasetContextTag, ...value.params],
        );
      },
    };
  }
  return undefined;
}

/** What run filters can compare; the table is aliased `runs`. */
export const runFilterCatalog: FilterCatalog = {
  subject: 'runs',
  attributes: Object.fromEntries(
    Object.entries(runAttributes).map(([name, { name: canonical, type, column }]) => [name, columnField(`attribute '${canonical}'`, type, column)]),
  ),
  attributeNames: runAttributeNames,
  keyed: {
    metric: latestMetricField,
    param: (key) => keyValueField(`param '${key}'`, 'params', 'k.run_id = runs.run_id', key),
    tag: (key) => keyValueField(`tag '${key}'`, 'tags', 'k.run_id = runs.run_id', key),
    dataset: datasetField,
  },
  extraPrefixes: { run: 'attribute' },
};

/**
 * The ORDER BY term for one clause. Runs lacking the value sort last in either direction; a
 * metric whose latest value is NaN sorts after every number and before the runs lacking it, as MLflow.
 */
export function runOrderTerm(clause: OrderByClause, index: number, faults: FaultReporter): OrderTerm {
  const { field, ascending } = clause;
  const kind = entityKindOf(runFilterCatalog, field, faults);
  const alias = `order_${index + 1}`;
  const direction = ascending ? 'ASC' : 'DESC';
  if (kind !== 'attribute' && field.key === '') faults.fail(`the key after '${field.entity}.' is empty`, field.offset);
  switch (kind) {
    case 'attribute': {
      const found = own(runAttributes, field.key);
      if (found === undefined) faults.fail(`unknown attribute '${field.key}' for runs: use one of ${runAttributeNames.join(', ')}`, field.offset);
      return columnTerm(`attribute:${found.name}`, found.column, ascending);
    }
    case 'metric':
      return {
        id: `metric:${field.key}`,
        joins: [fragment(`LEFT JOIN latest_metrics AS ${alias} ON ${alias}.run_id = runs.run_id AND ${alias}.key = ?`, [field.key])],
        keys: [
          fragment(`CASE WHEN ${alias}.run_id IS NULL THEN 2 WHEN ${alias}.is_nan = 1 THEN 1 ELSE 0 END`),
          fragment(`${alias}.value ${direction}`),
        ],
      };
    case 'param':
    case 'tag': {
      const table = kind === 'param' ? 'params' : 'tags';
      return {
        id: `${kind}:${field.key}`,
        joins: [fragment(`LEFT JOIN ${table} AS ${alias} ON ${alias}.run_id = runs.run_id AND ${alias}.key = ?`, [field.key])],
        keys: [nullsLast(`${alias}.value`, ascending)],
      };
    }
    default:
      // Datasets; the trace-only kinds never resolve for runs.
      faults.fail(`runs cannot be ordered by ${kind} fields: order by metrics, params, tags or attributes`, field.offset);
  }
}

/** The default order and tie-breakers, as MLflow: start_time DESC unless ordered on, then run_id. */
export const runTieBreakers: readonly OrderTerm[] = [
  columnTerm('attribute:start_time', 'runs.start_time', false),
  { id: 'tie:run_id', joins: [], keys: [fragment('runs.run_id ASC')] },
];
