import { randomBytes } from 'node:crypto';
import { notFound } from '../../errors';
import { pythonJson } from '../../pythonJson';
import { compileDatasetSearch, type DatasetSearchRequest } from '../../search/datasetSearch';
import type { Database } from '../database';
import type { Reader, WriteTransaction } from '../databaseApi';
import { executeSearch, firstColumn, type SearchRows } from '../executeSearch';
import { requireExperiment } from '../tracking/lookups';
import { nextPage, placeholders, rowsInOrder } from '../tracking/sqlHelpers';
import { parseRecords, recordSummary, recordsPage, upsertRecords } from './datasetRecords';

/** An evaluation dataset in MLflow's wire shape (service.proto Dataset); tags, schema and profile are JSON strings. */
export type EvaluationDatasetJson = Record<string, unknown>;

const userTag = 'mlflow.user';

interface DatasetRow {
  dataset_id: string;
  name: string;
  digest: string;
  schema: string | null;
  profile: string | null;
  created_time: number;
  last_update_time: number;
  created_by: string | null;
  last_updated_by: string | null;
}

/**
 * MLflow 3's evaluation datasets (`/api/3.0/mlflow/datasets/...`): named sets of records (inputs,
 * expectations, outputs) that `mlflow.genai.evaluate` runs over, linked to experiments. Each change
 * is one transaction. Deleting what is already gone succeeds, so the client can repeat a call.
 */
export class EvaluationDatasets {
  constructor(private readonly db: Database) {}

  create(input: { name: string; experimentIds: readonly string[]; tags: Record<string, string> }): EvaluationDatasetJson {
    return this.db.write((tx) => {
      for (const id of input.experimentIds) requireExperiment(tx, id);
      const now = Date.now();
      const datasetId = `d-${randomBytes(16).toString('hex')}`;
      const user = input.tags[userTag] ?? null;
      const digest = recordSummary(tx, datasetId, input.name).digest;
      tx.run(
        `INSERT INTO evaluation_datasets (dataset_id, name, digest, created_time, last_update_time, created_by, last_updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [datasetId, input.name, digest, now, now, user, user],
      );
      setTags(tx, datasetId, input.tags);
      linkExperiments(tx, datasetId, input.experimentIds);
      // Only create's reply carries the experiment ids (as MLflow's does).
      return { ...datasetJson(tx, requireDataset(tx, datasetId)), experiment_ids: experimentIdsOf(tx, datasetId) };
    });
  }

  get(datasetId: string): EvaluationDatasetJson {
    return datasetJson(this.db, requireDataset(this.db, datasetId));
  }

  delete(datasetId: string): void {
    this.db.write((tx) => {
      for (const table of ['evaluation_dataset_records', 'evaluation_dataset_tags', 'evaluation_dataset_experiments', 'evaluation_datasets']) {
        tx.run(`DELETE FROM ${table} WHERE dataset_id = ?`, [datasetId]);
      }
    });
  }

  /** Merges tags into the dataset's; a null value removes that tag. */
  setTags(datasetId: string, tags: Record<string, string | null>): void {
    this.db.write((tx) => {
      requireDataset(tx, datasetId);
      setTags(tx, datasetId, tags);
      tx.run('UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_id = ?', [Date.now(), datasetId]);
    });
  }

  deleteTag(datasetId: string, key: string): void {
    this.db.write((tx) => {
      requireDataset(tx, datasetId);
      tx.run('DELETE FROM evaluation_dataset_tags WHERE dataset_id = ? AND key = ?', [datasetId, key]);
    });
  }

  upsertRecords(datasetId: string, recordsText: string): { inserted_count: number; updated_count: number } {
    const records = parseRecords(recordsText);
    return this.db.write((tx) => {
      const row = requireDataset(tx, datasetId);
      const now = Date.now();
      const { inserted, updated, lastUser } = upsertRecords(tx, datasetId, records, now);
      const summary = recordSummary(tx, datasetId, row.name);
      tx.run(
        'UPDATE evaluation_datasets SET schema = ?, profile = ?, digest = ?, last_update_time = ?, last_updated_by = ? WHERE dataset_id = ?',
        [summary.schema, summary.profile, summary.digest, now, lastUser ?? row.last_updated_by, datasetId],
      );
      return { inserted_count: inserted, updated_count: updated };
    });
  }

  records(datasetId: string, maxResults: number, pageToken: string | undefined): { records: string; next_page_token?: string } {
    requireDataset(this.db, datasetId);
    return recordsPage(this.db, datasetId, maxResults, pageToken);
  }

  experimentIds(datasetId: string): string[] {
    requireDataset(this.db, datasetId);
    return experimentIdsOf(this.db, datasetId);
  }

  addExperiments(datasetId: string, experimentIds: readonly string[]): EvaluationDatasetJson {
    return this.db.write((tx) => {
      requireDataset(tx, datasetId);
      for (const id of experimentIds) requireExperiment(tx, id);
      linkExperiments(tx, datasetId, experimentIds);
      tx.run('UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_id = ?', [Date.now(), datasetId]);
      return datasetJson(tx, requireDataset(tx, datasetId));
    });
  }

  removeExperiments(datasetId: string, experimentIds: readonly string[]): EvaluationDatasetJson {
    return this.db.write((tx) => {
      requireDataset(tx, datasetId);
      const ids = experimentIds.filter((id) => /^\d+$/.test(id)).map(Number);
      if (ids.length > 0) {
        tx.run(`DELETE FROM evaluation_dataset_experiments WHERE dataset_id = ? AND experiment_id IN (${placeholders(ids.length)})`, [
          datasetId,
          ...ids,
        ]);
      }
      tx.run('UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_id = ?', [Date.now(), datasetId]);
      return datasetJson(tx, requireDataset(tx, datasetId));
    });
  }

  search(request: DatasetSearchRequest): { datasets: EvaluationDatasetJson[]; nextPageToken?: string } {
    const page = executeSearch(this.db, compileDatasetSearch(request), searchedDatasets);
    return { datasets: page.items, ...nextPage(page.nextPageToken) };
  }
}

const searchedDatasets: SearchRows<string, EvaluationDatasetJson> = {
  key: firstColumn,
  read: (db, ids) =>
    rowsInOrder<DatasetRow, string>(db, 'evaluation_datasets', 'dataset_id', ids, (row) => row.dataset_id).map((row) => datasetJson(db, row)),
};

function requireDataset(db: Reader, datasetId: string): DatasetRow {
  const row = db.get<DatasetRow>('SELECT * FROM evaluation_datasets WHERE dataset_id = ?', [datasetId]);
  if (row === undefined) throw notFound(`Evaluation dataset with id '${datasetId}' not found`);
  return row;
}

function datasetJson(db: Reader, row: DatasetRow): EvaluationDatasetJson {
  const tags = db.all<{ key: string; value: string }>('SELECT key, value FROM evaluation_dataset_tags WHERE dataset_id = ? ORDER BY rowid', [
    row.dataset_id,
  ]);
  return {
    dataset_id: row.dataset_id,
    name: row.name,
    ...(tags.length > 0 ? { tags: pythonJson(Object.fromEntries(tags.map((tag) => [tag.key, tag.value]))) } : {}),
    ...(row.schema ? { schema: row.schema } : {}),
    ...(row.profile ? { profile: row.profile } : {}),
    digest: row.digest,
    created_time: row.created_time,
    last_update_time: row.last_update_time,
    ...(row.created_by ? { created_by: row.created_by } : {}),
    ...(row.last_updated_by ? { last_updated_by: row.last_updated_by } : {}),
  };
}

/** An existing key keeps its place (an UPDATE keeps the rowid), a new one goes last: a dict update's order. */
function setTags(tx: WriteTransaction, datasetId: string, tags: Record<string, string | null>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (value === null) {
      tx.run('DELETE FROM evaluation_dataset_tags WHERE dataset_id = ? AND key = ?', [datasetId, key]);
    } else {
      tx.run(
        `INSERT INTO evaluation_dataset_tags (dataset_id, key, value) VALUES (?, ?, ?)
         ON CONFLICT (dataset_id, key) DO UPDATE SET value = excluded.value`,
        [datasetId, key, value],
      );
    }
  }
}

function linkExperiments(tx: WriteTransaction, datasetId: string, experimentIds: readonly string[]): void {
  for (const id of experimentIds) {
    tx.run('INSERT OR IGNORE INTO evaluation_dataset_experiments (dataset_id, experiment_id) VALUES (?, ?)', [datasetId, Number(id)]);
  }
}

function experimentIdsOf(db: Reader, datasetId: string): string[] {
  return db
    .all<{ experiment_id: number }>('SELECT experiment_id FROM evaluation_dataset_experiments WHERE dataset_id = ? ORDER BY experiment_id', [datasetId])
    .map((row) => String(row.experiment_id));
}
