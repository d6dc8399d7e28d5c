import type { KeyValue, LoggedModelRow } from '../entities';
import type { Reader } from '../store/databaseApi';
import { readHistory, seriesOfRun } from '../store/tracking/seriesReads';
import { modelVersionColumns, registeredModelColumns, type ModelVersionRow, type RegisteredModelRow } from '../store/registry/registryReads';

/** One point of a run's history with what the public reads leave out: its dataset and model links. */
export interface StoredPoint {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
  readonly datasetName: string | null;
  readonly datasetDigest: string | null;
  readonly modelId: string | null;
}

/**
 * Reads of the store that the export needs beyond TrackingStore's public API: whole histories with
 * their links, deleted logged models, and the registry including deleted versions' tombstones (an
 * export keeps everything the store has). Read-only, parameterized.
 */
export function runHistory(db: Reader, runId: string): StoredPoint[] {
  type Link = [key: string, seq: number, datasetName: string | null, datasetDigest: string | null, modelId: string | null];
  const links = new Map<string, Link>();
  for (const link of db.values('SELECT key, seq, dataset_name, dataset_digest, model_id FROM metrics WHERE run_id = ?', [runId]) as Link[]) {
    links.set(`${link[1]}\u0000${link[0]}`, link);
  }
  const points: StoredPoint[] = [];
  for (const series of seriesOfRun(db, runId)) {
    const { points: columns, order } = readHistory(db, series);
    for (let i = 0; i < columns.steps.length; i++) {
      const seq = order ? order[i] : i;
      const link = links.get(`${seq}\u0000${series.key}`);
      points.push({
        key: series.key,
        value: columns.values[seq],
        timestamp: columns.timestamps[seq],
        step: columns.steps[seq],
        datasetName: link?.[2] ?? null,
        datasetDigest: link?.[3] ?? null,
        modelId: link?.[4] ?? null,
      });
    }
  }
  return points;
}

export function runDeletedTime(db: Reader, runId: string): number | null {
  return db.get<{ deleted_time: number | null }>('SELECT deleted_time FROM runs WHERE run_id = ?', [runId])?.deleted_time ?? null;
}

export interface StoredLoggedModel extends LoggedModelRow {
  readonly params: KeyValue[];
  readonly tags: KeyValue[];
}

export function experimentLoggedModels(db: Reader, experimentId: number): StoredLoggedModel[] {
  return db
    .all<LoggedModelRow>('SELECT * FROM logged_models WHERE experiment_id = ? ORDER BY creation_timestamp_ms, model_id', [experimentId])
    .map((row) => ({
      ...row,
      params: db.all<KeyValue>('SELECT key, value FROM logged_model_params WHERE model_id = ? ORDER BY key', [row.model_id]),
      tags: db.all<KeyValue>('SELECT key, value FROM logged_model_tags WHERE model_id = ? ORDER BY key', [row.model_id]),
    }));
}

export interface StoredModelVersion extends ModelVersionRow {
  readonly tags: KeyValue[];
}

export interface StoredRegisteredModel extends RegisteredModelRow {
  readonly tags: KeyValue[];
  readonly aliases: { readonly alias: string; readonly version: number }[];
  readonly versions: StoredModelVersion[];
}

export function registeredModels(db: Reader): StoredRegisteredModel[] {
  return db
    .all<RegisteredModelRow>(`SELECT ${registeredModelColumns} FROM registered_models rm ORDER BY rm.name`)
    .map((model) => ({
      ...model,
      tags: db.all<KeyValue>('SELECT key, value FROM registered_model_tags WHERE name = ? ORDER BY key', [model.name]),
      aliases: db.all<{ alias: string; version: number }>('SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias', [
        model.name,
      ]),
      versions: db
        .all<ModelVersionRow>(`SELECT ${modelVersionColumns} FROM model_versions mv WHERE mv.name = ? ORDER BY mv.version`, [model.name])
        .map((version) => ({
          ...version,
          tags: db.all<KeyValue>('SELECT key, value FROM model_version_tags WHERE name = ? AND version = ? ORDER BY key', [
            model.name,
            version.version,
          ]),
        })),
    }));
}
