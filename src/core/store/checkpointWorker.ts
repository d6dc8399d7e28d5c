import { parentPort, workerData } from 'node:worker_threads';
import { type JournalMark, foldJournalIntoImage } from './journalFold';
import { loadSqlJs } from './sqlJs';

/**
 * The entry of a checkpoint's worker thread (started by `writeImageInWorker`, databaseImage.ts;
 * bundled as dist/checkpointWorker.js beside the bundles that start it). It builds and writes the
 * image with its own sql.js, so that exporting a large image never holds the store's event loop,
 * then answers once and ends.
 */
export interface CheckpointWorkerData {
  readonly dir: string;
  readonly mark: JournalMark;
  readonly tempName: string;
}

export type CheckpointWorkerAnswer = { readonly imageBytes: number } | { readonly error: string };

async function run(data: CheckpointWorkerData): Promise<CheckpointWorkerAnswer> {
  try {
    const SQL = await loadSqlJs();
    return { imageBytes: foldJournalIntoImage(SQL, data.dir, data.mark, data.tempName) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

if (parentPort) {
  const port = parentPort;
  void run(workerData as CheckpointWorkerData).then((answer) => port.postMessage(answer));
}
