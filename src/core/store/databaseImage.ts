import { readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Database as SqlJsDatabase, SqlJsStatic } from 'sql.js';
import { openSqlJsDatabase } from './connection';
import { fsyncDirectory, fsyncDirectoryInBackground, writeFileDurably, writeFileDurablyInBackground } from './fileSync';
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

/**
 * `saveImage` with the write and the flushes in the thread pool, for a checkpoint that runs while
 * writes go on. Resolves once the temporary image is on the disk; `install` then renames it over
 * `runlens.db` (on the event loop: the caller decides there whether the image is still wanted) and
 * resolves once the rename is on the disk. `discard` removes the temporary image instead.
 */
export async function writeImageInBackground(dir: string, image: Uint8Array): Promise<{ install(): Promise<void>; discard(): void }> {
  const temp = path.join(dir, storeFiles.databaseTempInBackground);
  const discard = (): void => rmSync(temp, { force: true });
  try {
    await writeFileDurablyInBackground(temp, image);
  } catch (error) {
    try {
      discard();
    } catch {
      // The first error is the one to report.
    }
    throw error;
  }
  return {
    install: () => {
      renameSync(temp, path.join(dir, storeFiles.database));
      return fsyncDirectoryInBackground(dir);
    },
    discard,
  };
}

/** A temporary image left by a checkpoint that did not finish is garbage: the journal still holds its writes. */
export function removeStaleImageTemp(dir: string): void {
  rmSync(path.join(dir, storeFiles.databaseTemp), { force: true });
  rmSync(path.join(dir, storeFiles.databaseTempInBackground), { force: true });
}
