import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import type { Persistence } from './checkpointScheduler';
import type { OpenOptions } from './databaseApi';
import { makeStoreDir } from './fileSync';
import { Journal } from './journal';
import { frameHeaderBytes } from './journalScan';
import { RecordWriter } from './journalRecord';
import { recoverStore } from './recovery';
import { SeriesFiles } from './series/seriesFiles';
import { FolderStorage } from './series/seriesStorage';
import { storeFiles } from './storeFiles';

export const defaultCheckpointBytes = 8 * 1024 * 1024;
const defaultIdleCheckpointMs = 5000;
/** About 10-40 ms of export on this machine: below it the export costs less than starting a worker thread. */
const defaultWorkerImageBytes = 4 * 1024 * 1024;

/**
 * Opens a `.runlens/` folder's files for a durable database: its history files, the image with
 * the journal replayed over it (recovery.ts), and the journal open for appends. Closes what it
 * opened when a later step fails.
 */
export function openDurableFiles(SQL: SqlJsStatic, dir: string, options: OpenOptions, schemaVersion: number) {
  makeStoreDir(dir);
  const series = new SeriesFiles(new FolderStorage(path.join(dir, storeFiles.metrics)));
  let recovered: ReturnType<typeof recoverStore>;
  let journal: Journal;
  try {
    recovered = recoverStore(SQL, dir, schemaVersion, series);
  } catch (error) {
    series.close();
    throw error;
  }
  try {
    journal = Journal.open(path.join(dir, storeFiles.journal), recovered.journalLength, recovered.nextSeq);
  } catch (error) {
    recovered.statements.clear();
    recovered.db.close();
    series.close();
    throw error;
  }
  const checkpointBytes = options.checkpointBytes ?? defaultCheckpointBytes;
  const persistence: Persistence = {
    dir,
    journal,
    writer: new RecordWriter(frameHeaderBytes),
    checkpointBytes,
    idleCheckpointMs: options.idleCheckpointMs ?? defaultIdleCheckpointMs,
    workerImageBytes: options.workerImageBytes ?? defaultWorkerImageBytes,
    imageExists: recovered.imageExists,
    imageBytes: recovered.imageBytes,
    nextCheckpointAt: checkpointBytes,
  };
  return { recovered, persistence, series };
}
