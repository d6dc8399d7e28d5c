import { createHash, randomBytes } from 'node:crypto';
import { invalidParameter } from '../../errors';
import type { Reader, WriteTransaction } from '../databaseApi';
import { pythonJson } from '../../pythonJson';

/** A record as the client sends it in `datasets/<id>/records` (inside the JSON string `records`). */
interface RecordInput {
  readonly inputs: Record<string, unknown>;
  readonly expectations?: Record<string, unknown> | null;
  readonly outputs?: unknown;
  readonly tags?: Record<string, unknown> | null;
  readonly source?: { source_type?: unknown; source_data?: Record<string, unknown> } | null;
}

interface RecordRow {
  dataset_record_id: string;
  dataset_id: string;
  inputs_json: string;
  expectations_json: string | null;
  outputs_json: string | null;
  tags_json: string | null;
  source_json: string | null;
  source_type: string | null;
  source_id: string | null;
  created_time: number;
  last_update_time: number;
  created_by: string | null;
  last_updated_by: string | null;
}

const userTag = 'mlflow.user';

/** Parses and checks the `records` string of an upsert: a JSON list of objects, each with an `inputs` object. */
export function parseRecords(text: string): RecordInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameter("Invalid value for parameter 'records': it must be a JSON list of records.");
  }
  if (!Array.isArray(parsed)) throw invalidParameter("Invalid value for parameter 'records': it must be a JSON list of records.");
  return parsed.map((record, index) => {
    if (!isObject(record) || !isObject(record.inputs)) {
      throw invalidParameter(`Invalid record at index ${index}: 'inputs' must be a JSON object.`);
    }
    for (const name of ['expectations', 'tags', 'source'] as const) {
      if (record[name] !== undefined && record[name] !== null && !isObject(record[name])) {
        throw invalidParameter(`Invalid record at index ${index}: '${name}' must be a JSON object.`);
      }
    }
    return record as unknown as RecordInput;
  });
}

/**
 * Inserts records whose `inputs` are new to the dataset and updates the others (expectations and
 * tags merged key by key, outputs and source replaced when given), as MLflow's upsert does.
 */
export function upsertRecords(
  tx: WriteTransaction,
  datasetId: string,
  records: readonly RecordInput[],
  now: number,
): { inserted: number; updated: number; lastUser?: string } {
  let inserted = 0;
  let updated = 0;
  let lastUser: string | undefined;
  for (const record of records) {
    const inputKey = canonicalJson(record.inputs);
    const user = stringOrUndefined(record.tags?.[userTag]);
    lastUser = user ?? lastUser;
    const source = record.source ?? undefined;
    const sourceType = stringOrUndefined(source?.source_type);
    const sourceId = sourceIdOf(source?.source_data);
    const existing = tx.get<RecordRow>('SELECT * FROM evaluation_dataset_records WHERE dataset_id = ? AND input_key = ?', [datasetId, inputKey]);
    if (existing === undefined) {
      tx.run(
        `INSERT INTO evaluation_dataset_records (dataset_record_id, dataset_id, input_key, inputs_json, expectations_json,
           outputs_json, tags_json, source_json, source_type, source_id, created_time, last_update_time, created_by, last_updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          `dr-${randomBytes(16).toString('hex')}`,
          datasetId,
          inputKey,
          JSON.stringify(record.inputs),
          record.expectations ? JSON.stringify(record.expectations) : null,
          record.outputs === undefined || record.outputs === null ? null : JSON.stringify(record.outputs),
          record.tags ? JSON.stringify(record.tags) : null,
          source ? JSON.stringify(source) : null,
          sourceType ?? null,
          sourceId ?? null,
          now,
          now,
          user ?? null,
          user ?? null,
        ],
      );
      inserted += 1;
      continue;
    }
    const merged = (column: string | null, update: Record<string, unknown> | null | undefined) =>
      update ? JSON.stringify({ ...(column ? (JSON.parse(column) as object) : {}), ...update }) : column;
    tx.run(
      `UPDATE evaluation_dataset_records SET expectations_json = ?, outputs_json = ?, tags_json = ?, source_json = ?,
         source_type = ?, source_id = ?, last_update_time = ?, last_updated_by = ? WHERE dataset_record_id = ?`,
      [
        merged(existing.expectations_json, record.expectations),
        record.outputs === undefined || record.outputs === null ? existing.outputs_json : JSON.stringify(record.outputs),
        merged(existing.tags_json, record.tags),
        source ? JSON.stringify(source) : existing.source_json,
        sourceType ?? existing.source_type,
        sourceId ?? existing.source_id,
        now,
        user ?? existing.last_updated_by,
        existing.dataset_record_id,
      ],
    );
    updated += 1;
  }
  return { inserted, updated, ...(lastUser === undefined ? {} : { lastUser }) };
}

/**
 * A page of records in creation order (then id), with MLflow's token `base64("<created_time>:<id>")`
 * of the page's last record whenever the page is full.
 */
export function recordsPage(
  db: Reader,
  datasetId: string,
  maxResults: number,
  pageToken: string | undefined,
): { records: string; next_page_token?: string } {
  const after = pageToken ? decodeRecordToken(pageToken) : undefined;
  const rows = db.all<RecordRow>(
    `SELECT * FROM evaluation_dataset_records WHERE dataset_id = ?
     ${after ? 'AND (created_time > ? OR (created_time = ? AND dataset_record_id > ?))' : ''}
     ORDER BY created_time, dataset_record_id LIMIT ?`,
    after ? [datasetId, after.time, after.time, after.id, maxResults] : [datasetId, maxResults],
  );
  const last = rows[rows.length - 1];
  return {
    records: pythonJson(rows.map(recordWire)),
    ...(rows.length === maxResults && last
      ? { next_page_token: Buffer.from(`${last.created_time}:${last.dataset_record_id}`).toString('base64') }
      : {}),
  };
}

/**
 * A record in MLflow's wire order. `expectations` is `{}` for a record without any, where MLflow
 * leaves the key out: the MLflow client's evaluate() crashes on the missing key.
 */
function recordWire(row: RecordRow): Record<string, unknown> {
  return {
    dataset_record_id: row.dataset_record_id,
    dataset_id: row.dataset_id,
    inputs: JSON.parse(row.inputs_json),
    expectations: row.expectations_json ? JSON.parse(row.expectations_json) : {},
    tags: row.tags_json ? JSON.parse(row.tags_json) : {},
    ...(row.source_json ? { source: JSON.parse(row.source_json) } : {}),
    ...(row.source_id ? { source_id: row.source_id } : {}),
    ...(row.source_type ? { source_type: row.source_type } : {}),
    created_time: row.created_time,
    last_update_time: row.last_update_time,
    ...(row.created_by ? { created_by: row.created_by } : {}),
    ...(row.last_updated_by ? { last_updated_by: row.last_updated_by } : {}),
    outputs: row.outputs_json ? JSON.parse(row.outputs_json) : {},
  };
}

/** What MLflow derives from the records: a schema of value types, a profile, and a digest that changes with them. */
export function recordSummary(db: Reader, datasetId: string, name: string): { schema: string; profile: string; digest: string } {
  const rows = db.all<{ inputs_json: string; expectations_json: string | null; outputs_json: string | null; last_update_time: number; dataset_record_id: string }>(
    'SELECT inputs_json, expectations_json, outputs_json, last_update_time, dataset_record_id FROM evaluation_dataset_records WHERE dataset_id = ? ORDER BY created_time, dataset_record_id',
    [datasetId],
  );
  const inputs: Record<string, string> = {};
  const expectations: Record<string, string> = {};
  let outputs: Record<string, string> | string = {};
  for (const row of rows) {
    addTypes(inputs, JSON.parse(row.inputs_json) as Record<string, unknown>);
    if (row.expectations_json) addTypes(expectations, JSON.parse(row.expectations_json) as Record<string, unknown>);
    if (row.outputs_json) {
      const value: unknown = JSON.parse(row.outputs_json);
      if (isObject(value) && typeof outputs === 'object') addTypes(outputs, value);
      else if (!isObject(value)) outputs = typeName(value);
    }
  }
  const hash = createHash('sha256').update(pythonJson([name, rows.map((row) => [row.dataset_record_id, row.last_update_time])]));
  return {
    schema: pythonJson({ inputs, outputs, expectations, version: '1.0' }),
    profile: pythonJson({ num_records: rows.length }),
    digest: hash.digest('hex').slice(0, 8),
  };
}

function addTypes(types: Record<string, string>, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) types[key] ??= typeName(value);
}

function typeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : 'object';
}

function sourceIdOf(data: Record<string, unknown> | undefined): string | undefined {
  if (!data) return undefined;
  return stringOrUndefined(data.trace_id) ?? stringOrUndefined(data.doc_uri) ?? stringOrUndefined(data.user_name);
}

function decodeRecordToken(token: string): { time: number; id: string } {
  const text = Buffer.from(token, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const time = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isSafeInteger(time)) throw invalidParameter(`Invalid page token '${token}'.`);
  return { time, id: text.slice(colon + 1) };
}

/** The same inputs written with keys in another order are the same record. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
