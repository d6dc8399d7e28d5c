import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database as SqlJsDatabase, SqlJsStatic } from 'sql.js';
import { openSqlJsDatabase } from './connection';
import type { CheckpointWorkerAnswer, CheckpointWorkerData } from './checkpointWorker';
import { fsyncDirectory, fsyncDirectoryInBackground, writeFileDurably, writeFileDurablyInBackground } from './fileSync';
import type { JournalMark } from './journalFold';
import { storeFiles } from './storeFiles';
import { NotADatabaseError } from './storeErrors';

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Loads `runlens.db` into sql.js; undefined when there is none yet. Anything that is not a
 * readable SQLite database is refused (NotADatabaseError) and left untouched.
 */
export function loadImage(SQL: SqlJsStatic, file: string): SqlJsDatabase | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (bytes.length < sqliteHeader.length || !bytes.subarray(0, sqliteHeader.length).equals(sqliteHeader)) {
    throw new NotADatabaseError(file, 'it does not begin with the SQLite header');
  }
  let db: SqlJsDatabase | undefined;
  try {
    db = openSqlJsDatabase(SQL, bytes);
    // sql.js reads lazily: make it read the header and the schema now.
    db.exec('SELECT count(*) FROM sqlite_master');
    return db;
  } catch (error) {
    db?.close();
    throw new NotADatabaseError(file, `SQLite cannot read it: ${(error as Error).message}`);
  }
}

/** Replaces `runlens.db` atomically: write a temporary file, flush it, rename it over, flush the folder. */
export function saveImage(dir: string, image: Uint8Array): void {
  const temp = path.join(dir, storeFiles.databaseTemp);
  try {
    writeFileDurably(temp, image);
    renameSync(temp, path.join(dir, storeFiles.database));
  } catch (error) {
    // Most likely the disk is full: do not leave a second copy of the image taking up the space.
    try {
      rmSync(temp, { force: true });
    } catch {
      // The first error is the one to report.
    }
    throw error;
  }
  fsyncDirectory(dir);
}

let backgroundCheckpoints = 0;

/** The temporary image of a background checkpoint: a name of its own (see `writeImageInWorker`). */
function backgroundTempName(): string {
  return `${storeFiles.databaseTempInBackground}.${process.pid}.${++backgroundCheckpoints}`;
}

/** What a background checkpoint's image becomes once written: installed over `runlens.db`, or discarded. */
export interface WrittenImage {
  readonly imageBytes: number;
  install(): Promise<void>;
  discard(): void;
}

/**
 * `saveImage` for an image exported on the event loop by a background checkpoint of a small image:
 * the write and the flushes run in the thread pool. Resolves once the temporary image is on the
 * disk; `install` and `discard` as for `writeImageInWorker`.
 */
export function writeImageInBackground(dir: string, image: Uint8Array): Promise<WrittenImage> {
  const tempName = backgroundTempName();
  return writtenImage(dir, tempName, async () => {
    await writeFileDurablyInBackground(path.join(dir, tempName), image);
    return image.length;
  });
}

/**
 * A checkpoint's image built and written by a worker thread (checkpointWorker.ts, journalFold.ts),
 * for a checkpoint that runs while writes go on: the worker loads `runlens.db`, replays the
 * journal up to `mark`, exports, and writes and flushes a temporary image, all off the event loop.
 * Resolves once the temporary image is on the disk; `install` then renames it over `runlens.db` (on
 * the event loop: only the caller knows whether the image is still wanted, which a close or a
 * compaction meanwhile would have made stale) and resolves once the rename is on the disk.
 * `discard` removes the temporary image instead. Each checkpoint writes a temporary file of its own
 * name, so that a worker still running after its Database closed never writes into the file of the
 * next Database to open the store.
 */
export function writeImageInWorker(dir: string, mark: JournalMark): Promise<WrittenImage> {
  const tempName = backgroundTempName();
  return writtenImage(dir, tempName, () => runCheckpointWorker({ dir, mark, tempName }));
}

/** Runs `write` (which writes and flushes `tempName`, resolving to its size), then hands the result over. */
async function writtenImage(dir: string, tempName: string, write: () => Promise<number>): Promise<WrittenImage> {
  const temp = path.join(dir, tempName);
  const discard = (): void => rmSync(temp, { force: true });
  let imageBytes: number;
  try {
    imageBytes = await write();
  } catch (error) {
    try {
      discard();
    } catch {
      // The first error is the one to report.
    }
    throw error;
  }
  return {
    imageBytes,
    install: () => {
      // On the event loop, in the same step as the caller's check that no checkpoint superseded this
      // one: a rename in the thread pool could land after a synchronous checkpoint (a close) had
      // installed its newer image, and put this older one back over it.
      renameSync(temp, path.join(dir, storeFiles.database));
      return fsyncDirectoryInBackground(dir);
    },
    discard,
  };
}

function runCheckpointWorker(data: CheckpointWorkerData): Promise<number> {
  return new Promise((resolve, reject) => {
    // Beside this module: dist/ for the bundles, the compiled source for tests.
    const worker = new Worker(path.join(__dirname, 'checkpointWorker.js'), { workerData: data });
    // Not unref'd: a close awaiting its last checkpoint (`Database.closeInBackground`) may be all that
    // keeps the process alive. A process that exits meanwhile loses nothing: the journal holds the writes.
    let answered = false;
    worker.once('message', (answer: CheckpointWorkerAnswer) => {
      answered = true;
      if ('error' in answer) reject(new Error(`the checkpoint worker failed: ${answer.error}`));
      else resolve(answer.imageBytes);
    });
    worker.once('error', (error) => {
      answered = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the checkpoint worker ended (code ${code}) without an answer`));
    });
  });
}

/**
 * A temporary image left by a checkpoint that did not finish is garbage: the journal still holds
 * its writes. Called by the store's new owner while it opens: a worker of the last owner still
 * writing one (after its Database closed) loses only a file that nothing would install.
 */
export function removeStaleImageTemp(dir: string): void {
  rmSync(path.join(dir, storeFiles.databaseTemp), { force: true });
  for (const name of readdirSync(dir)) {
    if (name.startsWith(storeFiles.databaseTempInBackground)) rmSync(path.join(dir, name), { force: true });
  }
}
