import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Reader } from '../store/databaseApi';
import type { ContentSignatures, SignatureRecord, TraceRow } from './contentSignatures';
import type { SpanFiles } from './spanFiles';
import { signatureOf } from './trigramSignature';

/** Traces whose records are looked at per read of the index. */
const rowsPerScan = 1024;
/** Span files read and signed per slice, between flushes of span ingestion. */
const filesPerSlice = 16;

export interface SignatureBuildParts {
  readonly db: Reader;
  readonly spanFiles: SpanFiles;
  readonly signatures: ContentSignatures;
  /** Runs a slice with no span line appended meanwhile (SpanIngest.exclusive). */
  readonly exclusive: <T>(task: () => Promise<T>) => Promise<T>;
}

/**
 * Records the signature of every trace that has none of its own: traces stored before signatures
 * existed, and those a crash or a failed write left without one. Walks the traces by rowid and
 * reads only the files of those whose record is missing, a few per slice, each slice in its own
 * turn of the event loop, so no step holds the loop long; a build cut short is resumed by the next
 * (which skips every trace already signed; a store closed meanwhile ends it with the database's
 * error). Until a trace is signed, content searches read its file.
 * Resolves with how many traces it signed.
 */
export async function buildMissingSignatures(parts: SignatureBuildParts): Promise<number> {
  const { db, signatures } = parts;
  let signed = 0;
  for (let after = 0; ; ) {
    const rows = db
      .values('SELECT rowid, trace_id FROM traces WHERE rowid > ? ORDER BY rowid LIMIT ?', [after, rowsPerScan])
      .map(([rowid, traceId]) => ({ rowid: rowid as number, traceId: traceId as string }));
    if (rows.length === 0) break;
    after = rows[rows.length - 1].rowid;
    const current = await signatures.read(rows);
    const missing = rows.filter((_, i) => !current.isOwn(i));
    for (let start = 0; start < missing.length; start += filesPerSlice) {
      signed += await parts.exclusive(() => signSlice(parts, missing.slice(start, start + filesPerSlice)));
      await yieldToLoop();
    }
  }
  return signed;
}

/**
 * Signs the traces from their whole files; a file that cannot be read leaves its trace unsigned.
 * Looks at the records again first: the scan ran outside the slice, and a flush that ended since
 * may have signed a new trace (its record is written just after its request is answered).
 */
async function signSlice({ spanFiles, signatures }: SignatureBuildParts, candidates: readonly TraceRow[]): Promise<number> {
  const current = await signatures.read(candidates);
  const rows = candidates.filter((_, i) => !current.isOwn(i));
  const records = await Promise.all(
    rows.map(async (row): Promise<SignatureRecord | undefined> => {
      try {
        // The whole text as one line: trigrams across line ends only add bits, and a large file
        // marks every bit at once (longestHashedLine) instead of holding the loop to hash it.
        return { row, signature: signatureOf([await readFile(spanFiles.pathOf(row.traceId), 'utf8')]) };
      } catch (error) {
        // No file: no spans yet, and the empty signature is the truth (ingestion adds to it).
        return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { row, signature: signatureOf([]) } : undefined;
      }
    }),
  );
  const written = records.filter((record) => record !== undefined);
  await signatures.write(written, false);
  return written.length;
}
