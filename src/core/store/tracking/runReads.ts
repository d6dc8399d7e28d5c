import type { DatasetInput, KeyValue, Metric, Run, RunRow } from '../../entities';
import { datasetInputFromRow, nonEmpty, runInfoFromRow } from '../../entities';
import type { Param, Reader } from '../databaseApi';
import { chunks, placeholders } from './sqlHelpers';

/**
 * Builds full runs (info, latest metrics, params, tags, inputs, outputs) for a list of run rows,
 * with a handful of queries per 500 runs rather than several per run, reading rows as arrays: a
 * search page of 1,000 runs costs a dozen queries.
 */
export function assembleRuns(db: Reader, rows: readonly RunRow[]): Run[] {
  const ids = rows.map((row) => row.run_id);
  const metrics = groupByRun<Metric>(
    db,
    ids,
    'SELECT run_id, key, value, is_nan, timestamp, step FROM latest_metrics',
    'key',
    ([key, value, isNan, timestamp, step]) => ({
      key: key as string,
      value: isNan ? NaN : ((value as number | null) ?? NaN),
      timestamp: timestamp as number,
      step: step as number,
    }),
  );
  const params = groupByRun(db, ids, 'SELECT run_id, key, value FROM params', 'key', keyValue);
  const tags = groupByRun(db, ids, 'SELECT run_id, key, value FROM tags', 'key', keyValue);
  const datasets = groupByRun<DatasetInput>(
    db,
    ids,
    `SELECT ri.run_id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile, ri.tags_json
     FROM run_inputs ri JOIN datasets d ON d.dataset_id = ri.dataset_id`,
    'd.rowid',
    ([name, digest, sourceType, source, schema, profile, tagsJson]) =>
      datasetInputFromRow({
        name: name as string,
        digest: digest as string,
        source_type: sourceType as string,
        source: source as string,
        schema: schema as string | null,
        profile: profile as string | null,
        tags_json: tagsJson as string,
      }),
    'ri.run_id',
  );
  const modelInputs = groupByRun(db, ids, 'SELECT run_id, model_id FROM run_model_inputs', 'model_id', ([modelId]) => ({
    model_id: modelId as string,
  }));
  const modelOutputs = groupByRun(db, ids, 'SELECT run_id, model_id, step FROM run_outputs', 'step, model_id', ([modelId, step]) => ({
    model_id: modelId as string,
    step: step as number,
  }));
  return rows.map((row) => ({
    info: runInfoFromRow(row),
    data: {
      ...nonEmpty('metrics', metrics.get(row.run_id) ?? []),
      ...nonEmpty('params', params.get(row.run_id) ?? []),
      ...nonEmpty('tags', tags.get(row.run_id) ?? []),
    },
    inputs: {
      ...nonEmpty('dataset_inputs', datasets.get(row.run_id) ?? []),
      ...nonEmpty('model_inputs', modelInputs.get(row.run_id) ?? []),
    },
    outputs: { ...nonEmpty('model_outputs', modelOutputs.get(row.run_id) ?? []) },
  }));
}

const runColumnList = [
  'run_id',
  'experiment_id',
  'name',
  'user_id',
  'status',
  'start_time',
  'end_time',
  'lifecycle_stage',
  'artifact_uri',
] as const;

/** Run rows for ids a search returned, in the search's order. */
export function runRowsInOrder(db: Reader, runIds: readonly string[]): RunRow[] {
  const byId = new Map<string, RunRow>();
  for (const part of chunks(runIds)) {
    const rows = db.values(`SELECT ${runColumnList.join(', ')} FROM runs WHERE run_id IN (${placeholders(part.length)})`, part);
    for (const values of rows) {
      const row = Object.fromEntries(runColumnList.map((column, index) => [column, values[index]])) as unknown as RunRow;
      byId.set(row.run_id, row);
    }
  }
  return runIds.flatMap((id) => byId.get(id) ?? []);
}

function keyValue([key, value]: Param[]): KeyValue {
  return { key: key as string, value: value as string };
}

/**
 * Runs `select WHERE <runColumn> IN (...) ORDER BY <runColumn>, <order>` per chunk and groups by
 * run. The select's first column is the run id; `convert` gets the others.
 */
function groupByRun<T>(
  db: Reader,
  runIds: readonly string[],
  select: string,
  order: string,
  convert: (columns: Param[]) => T,
  runColumn = 'run_id',
): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const part of chunks(runIds)) {
    const rows = db.values(`${select} WHERE ${runColumn} IN (${placeholders(part.length)}) ORDER BY ${runColumn}, ${order}`, part);
    for (const [runId, ...columns] of rows) {
      const list = grouped.get(runId as string) ?? [];
      list.push(convert(columns));
      grouped.set(runId as string, list);
    }
  }
  return grouped;
}
