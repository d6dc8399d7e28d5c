import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { ensureCheckpointTable, readCheckpointSeq, writeCheckpointSeq } from './checkpointMark';
import { loadImage } from './databaseImage';
import { writeFileDurably } from './fileSync';
import { scanJournal } from './journalScan';
import { isSeriesOp } from './series/seriesJournal';
import { StatementCache } from './statementCache';
import { storeFiles } from './storeFiles';

/** Where a checkpoint cuts the journal: its first `journalBytes`, whose last record is `throughSeq`. */
export interface JournalMark {
  readonly journalBytes: number;
  readonly throughSeq: number;
}

/**
 * A checkpoint done from the files alone, as the checkpoint worker does it (checkpointWorker.ts):
 * loads the image `runlens.db`, replays the journal's records up to `mark` onto it (as opening the
 * store does, recovery.ts), marks it with `mark.throughSeq`, exports it and writes it, flushed, to
 * `tempName` in `dir`. Returns the image's size. The result is the database the Database holds in
 * memory as of the mark: the journal records every change a transaction made, and replaying them
 * is how every open rebuilds it. History points (series operations) are skipped: they live in the
 * history files, which the main thread flushed before setting the mark.
 *
 * Throws when the files do not lead to the mark (the image or journal changed under it: another
 * checkpoint ran meanwhile, whose image then wins) and leaves the temporary file to its caller.
 */
export function foldJournalIntoImage(SQL: SqlJsStatic, dir: string, mark: JournalMark, tempName: string): number {
  const db = loadImage(SQL, path.join(dir, storeFiles.database));
  if (!db) throw new Error('the store has no image to fold its journal into');
  const statements = new StatementCache(db);
  try {
    const imageSeq = readCheckpointSeq(db);
    let expected = imageSeq + 1;
    db.run('BEGIN');
    const scan = scanJournal(
      path.join(dir, storeFiles.journal),
      (record) => {
        if (record.seq <= imageSeq) return undefined;
        if (record.seq !== expected) return `record ${record.seq} does not follow the image, which ends at record ${expected - 1}`;
        for (const statement of record.statements) {
          if (!isSeriesOp(statement.sql)) statements.runRows(statement.sql, statement.rows);
        }
        expected++;
        return undefined;
      },
      mark.journalBytes,
    );
    if (scan.damage) throw new Error(`the journal changed under the checkpoint: ${scan.damage.reason}`);
    if (expected - 1 !== mark.throughSeq) {
      throw new Error(`the image and journal lead to record ${expected - 1}, not to the checkpoint's mark ${mark.throughSeq}`);
    }
    db.run('COMMIT');
    ensureCheckpointTable(db);
    writeCheckpointSeq(db, mark.throughSeq);
    statements.clear();
    const image = db.export();
    writeFileDurably(path.join(dir, tempName), image);
    return image.length;
  } finally {
    statements.clear();
    db.close();
  }
}
