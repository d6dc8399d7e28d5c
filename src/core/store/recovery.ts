import { statSync } from 'node:fs';
import path from 'node:path';
import type { Database as SqlJsDatabase, SqlJsStatic } from 'sql.js';
import { ensureCheckpointTable, readCheckpointSeq } from './checkpointMark';
import { openSqlJsDatabase } from './connection';
import { loadImage, removeStaleImageTemp } from './databaseImage';
import { type JournalScan, scanJournal, setDamageAside } from './journalScan';
import { UnknownRecordFormatError } from './journalRecord';
import type { SeriesFiles } from './series/seriesFiles';
import { isSeriesOp, SeriesReplay } from './series/seriesJournal';
import { StatementCache } from './statementCache';
import { NewerDatabaseError } from './storeErrors';
import { storeFiles } from './storeFiles';

/** What opening a durable store found and did; callers show `message` to the user. */
export interface RecoveryReport {
  /** Journal records replayed onto the image: transactions committed after the last checkpoint. */
  readonly replayedRecords: number;
  /** Bytes at the journal's end that were not whole, valid records (0 when all was well). */
  readonly damagedBytes: number;
  /** Where those bytes were moved, beside the journal. */
  readonly damagedFile?: string;
  readonly message?: string;
}

export interface RecoveredStore {
  readonly db: SqlJsDatabase;
  readonly statements: StatementCache;
  readonly imageExists: boolean;
  /** The image's size in bytes (0 when there is none). */
  readonly imageBytes: number;
  /** Length of the journal to keep appending after. */
  readonly journalLength: number;
  readonly nextSeq: number;
  readonly report: RecoveryReport;
}

/**
 * Opens the store in `dir`: loads the image, replays the journal onto it, and only then, once the
 * store is known to be one this RunLens may open, changes files: damage is set aside and a
 * checkpoint's leftover temporary file removed. Refuses (changing nothing) a database or journal
 * from a newer RunLens and a `runlens.db` that is not SQLite.
 */
export function recoverStore(SQL: SqlJsStatic, dir: string, latestVersion: number, series: SeriesFiles): RecoveredStore {
  const imageFile = path.join(dir, storeFiles.database);
  const journalFile = path.join(dir, storeFiles.journal);
  const image = loadImage(SQL, imageFile);
  const db = image ?? openSqlJsDatabase(SQL);
  const statements = new StatementCache(db);
  try {
    refuseNewer(db, imageFile, latestVersion);
    const imageSeq = readCheckpointSeq(db);
    const { scan, replayed } = replayJournal(db, statements, journalFile, imageSeq, series);
    refuseNewer(db, imageFile, latestVersion);

    let damagedFile: string | undefined;
    if (scan.damage) damagedFile = setDamageAside(journalFile, scan.damage.offset);
    // Records all at or below the image's mark are already in it: a checkpoint was cut off between
    // its rename and emptying the journal. Start the journal afresh.
    const obsolete = scan.lastSeq !== undefined && scan.lastSeq <= imageSeq;
    removeStaleImageTemp(dir);
    ensureCheckpointTable(db);
    return {
      db,
      statements,
      imageExists: image !== undefined,
      imageBytes: image ? statSync(imageFile).size : 0,
      journalLength: obsolete ? 0 : scan.goodLength,
      nextSeq: Math.max(imageSeq, scan.lastSeq ?? 0) + 1,
      report: report(replayed, scan, damagedFile),
    };
  } catch (error) {
    statements.clear();
    db.close();
    if (error instanceof UnknownRecordFormatError) {
      throw new NewerDatabaseError(journalFile, `journal record format ${error.format}`);
    }
    throw error;
  }
}

/**
 * Applies the journal's records above the image's mark, in one transaction. A record that fails to
 * apply (it applied once, so this means damage that the checksum missed) ends the replay as damage
 * does: the transaction is rolled back and the replay redone up to that record.
 */
function replayJournal(
  db: SqlJsDatabase,
  statements: StatementCache,
  journalFile: string,
  imageSeq: number,
  series: SeriesFiles,
): { scan: JournalScan; replayed: number } {
  let stopAt: { seq: number; reason: string } | undefined;
  for (;;) {
    let replayed = 0;
    let failure: { seq: number; reason: string } | undefined;
    const seriesReplay = new SeriesReplay(series);
    db.run('BEGIN');
    let scan: JournalScan;
    try {
      scan = scanJournal(journalFile, (record) => {
        if (record.seq <= imageSeq) return undefined;
        if (replayed === 0 && record.seq !== imageSeq + 1) {
          return `record ${record.seq} does not follow the database image, which ends at record ${imageSeq}`;
        }
        if (stopAt?.seq === record.seq) return stopAt.reason;
        try {
          // Points are written at the positions they were logged at, so writing them again is harmless.
          for (const statement of record.statements) {
            if (isSeriesOp(statement.sql)) seriesReplay.apply(statement.sql, statement.rows);
            else statements.runRows(statement.sql, statement.rows);
          }
        } catch (error) {
          failure = { seq: record.seq, reason: `record ${record.seq} cannot be applied (${(error as Error).message})` };
          return failure.reason;
        }
        replayed++;
        return undefined;
      });
      // Points of the records replayed (and perhaps of the one that failed: past the counts, harmless).
      seriesReplay.finish();
    } catch (error) {
      db.run('ROLLBACK');
      throw error;
    }
    if (!failure) {
      db.run('COMMIT');
      return { scan, replayed };
    }
    db.run('ROLLBACK');
    stopAt = failure;
  }
}

function refuseNewer(db: SqlJsDatabase, file: string, latestVersion: number): void {
  const version = Number(db.exec('PRAGMA user_version')[0].values[0][0]);
  if (version > latestVersion) {
    throw new NewerDatabaseError(file, `schema version ${version}; this RunLens knows up to ${latestVersion}`);
  }
}

function report(replayedRecords: number, scan: JournalScan, damagedFile: string | undefined): RecoveryReport {
  if (!scan.damage || damagedFile === undefined) return { replayedRecords, damagedBytes: 0 };
  const { length, reason } = scan.damage;
  return {
    replayedRecords,
    damagedBytes: length,
    damagedFile,
    message:
      `The last ${length} bytes of the store's journal could not be replayed (${reason}) and were ` +
      `moved to ${damagedFile}; the ${replayedRecords} writes before them were recovered.`,
  };
}
