import { notFound } from '../errors';
import type { Database } from '../store/database';
import type { Reader } from '../store/databaseApi';
import { findExperiment } from '../store/tracking/lookups';
import { chunks, placeholders } from '../store/tracking/sqlHelpers';
import type { ContentSignatures, SignatureRecord, TraceRow } from './contentSignatures';
import { spanLine, type SpanFiles } from './spanFiles';
import type { IngestedSpan } from './spanAttributes';
import type { SpanJson } from './spanJson';
import { addLine, signatureOf } from './trigramSignature';
import { logSpanOutlines } from './traceWrites';

/** One OTLP request's spans, waiting for the flush that makes them durable. */
interface Pending {
  readonly experimentId: string;
  readonly spans: readonly SpanJson[];
  readonly outlines: readonly IngestedSpan[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for OTLP spans (DESIGN.md: concurrent requests share flushes). MLflow's client
 * exports each span as it ends, one request per span; flushing each alone costs a file flush and a
 * journal flush per span. Requests that arrive while a flush is under way wait for the next one,
 * which appends all their spans (one write and one flush per trace file, the files in parallel),
 * then records all their outlines in one database write (one journal flush). Each request is
 * answered once its spans are durable; payloads are on disk before their outlines are written.
 *
 * It keeps the traces' content signatures (contentSignatures.ts) a superset of their files: a
 * trace whose record is its own gets the new lines' bits, flushed, before they are appended; a
 * trace whose file was empty gets a new record of the lines once its outlines (and so its rowid)
 * are written; any other trace's record is left for the background build (signatureBuild.ts).
 */
export class SpanIngest {
  private pending: Pending[] = [];
  private flushing = false;
  /** The flushes and the signature build's slices, one at a time (`exclusive`). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly spanFiles: SpanFiles,
    private readonly signatures: ContentSignatures,
  ) {}

  /**
   * Runs `task` between flushes: no span line is appended meanwhile, so a signature built from a
   * file stays that file's whole content until the task writes it.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.turn.then(task);
    this.turn = result.catch(() => undefined);
    return result;
  }

  /** Resolves once the spans are durable; callers validate first, so a failure here is the disk's or the store's. */
  add(experimentId: string, spans: readonly SpanJson[], outlines: readonly IngestedSpan[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ experimentId, spans, outlines, resolve, reject });
      if (!this.flushing) void this.flushAll();
    });
  }

  private async flushAll(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        // Whatever fails unforeseen, no request is left waiting (a settled one ignores this).
        await this.exclusive(() => this.flush(batch)).catch((error: unknown) => batch.forEach((request) => request.reject(error)));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flush(requests: readonly Pending[]): Promise<void> {
    const batch = this.withKnownExperiments(requests);
    if (batch.length === 0) return;
    const { failed: failedTraces, unsigned } = await this.appendPayloads(batch);
    const written: Pending[] = [];
    for (const request of batch) {
      const failure = request.outlines.map((outline) => failedTraces.get(outline.traceId)).find((error) => error !== undefined);
      if (failure === undefined) written.push(request);
      else request.reject(failure);
    }
    if (written.length === 0) return;
    // The journal is flushed in the thread pool (group commit), never by a synchronous fdatasync
    // that would hold the event loop while the disk works; each request is answered after it.
    let failures: ReadonlyMap<Pending, unknown>;
    try {
      failures = await this.db.groupCommit(() => this.writeOutlines(written));
    } catch (error) {
      for (const request of written) request.reject(error);
      return;
    }
    for (const request of written) {
      if (failures.has(request)) request.reject(failures.get(request));
      else request.resolve();
    }
    await this.signNewTraces(unsigned);
  }

  /**
   * The requests whose experiment exists, each experiment looked up once a batch; the others are
   * refused before their payloads reach the disk. Checked here rather than per request: a read
   * outside a write is a transaction of its own in sql.js (tens of microseconds, far more on a
   * busy machine), and MLflow's client sends one request per span, a burst of them at a time.
   */
  private withKnownExperiments(requests: readonly Pending[]): Pending[] {
    const known = new Map<string, boolean>();
    return requests.filter((request) => {
      let exists = known.get(request.experimentId);
      if (exists === undefined) {
        exists = findExperiment(this.db, request.experimentId) !== undefined;
        known.set(request.experimentId, exists);
      }
      if (!exists) request.reject(notFound(`No Experiment with id=${request.experimentId} exists`));
      return exists;
    });
  }

  /** Records the requests' outlines in one write; returns the requests that failed, with why. */
  private writeOutlines(requests: readonly Pending[]): Map<Pending, unknown> {
    const failures = new Map<Pending, unknown>();
    try {
      this.db.write((tx) => {
        for (const request of requests) logSpanOutlines(tx, request.experimentId, request.outlines);
      });
    } catch {
      // One request's outlines failed the shared write (its experiment went meanwhile): the others
      // must not fail with it, so each is written alone and answered with its own outcome.
      for (const request of requests) {
        try {
          this.db.write((tx) => logSpanOutlines(tx, request.experimentId, request.outlines));
        } catch (error) {
          failures.set(request, error);
        }
      }
    }
    return failures;
  }

  /**
   * Appends the batch's spans, one append per trace, each after its signature has the lines' bits
   * (when its record is its own). Returns the traces whose append failed, with why, and the lines
   * of those appended to an empty file without such a record, to sign once they have a rowid.
   */
  private async appendPayloads(batch: readonly Pending[]): Promise<{ failed: Map<string, unknown>; unsigned: Map<string, string[]> }> {
    const byTrace = new Map<string, string[]>();
    for (const request of batch) {
      request.outlines.forEach((outline, i) => {
        const line = spanLine(request.spans[i]);
        const list = byTrace.get(outline.traceId);
        if (list) list.push(line);
        else byTrace.set(outline.traceId, [line]);
      });
    }
    const failed = new Map<string, unknown>();
    const grown = await this.grownSignatures(byTrace);
    const changed = grown.filter((record) => record.changed);
    try {
      await this.signatures.write(changed, true);
    } catch (error) {
      // Bits that may not be on disk: their lines must not be, either (the record would deny them).
      for (const { row } of changed) failed.set(row.traceId, error);
    }
    const signed = new Set(grown.map(({ row }) => row.traceId));
    const unsigned = new Map<string, string[]>();
    await Promise.all(
      [...byTrace].map(async ([traceId, lines]) => {
        if (failed.has(traceId)) return;
        try {
          const { wasEmpty } = await this.spanFiles.append(traceId, lines);
          if (wasEmpty && !signed.has(traceId)) unsigned.set(traceId, lines);
        } catch (error) {
          failed.set(traceId, error);
        }
      }),
    );
    return { failed, unsigned };
  }

  /**
   * The traces whose records are their own, each with the lines' bits added and whether that
   * changed it (a record that already has every bit needs no write, and no flush).
   */
  private async grownSignatures(byTrace: ReadonlyMap<string, readonly string[]>): Promise<(SignatureRecord & { readonly changed: boolean })[]> {
    const rows = rowsOf(this.db, [...byTrace.keys()]);
    const current = await this.signatures.read(rows);
    const grown: (SignatureRecord & { changed: boolean })[] = [];
    rows.forEach((row, i) => {
      const signature = current.copy(i);
      if (signature === undefined) return;
      const before = Uint8Array.from(signature);
      for (const line of byTrace.get(row.traceId)!) addLine(signature, line);
      grown.push({ row, signature, changed: !before.every((byte, k) => byte === signature[k]) });
    });
    return grown;
  }

  /**
   * Records the signatures of traces whose files held nothing before this flush, now that their
   * outlines gave them rowids. Not flushed: a record lost in a crash only makes searches read the file.
   */
  private async signNewTraces(unsigned: ReadonlyMap<string, readonly string[]>): Promise<void> {
    if (unsigned.size === 0) return;
    const records = rowsOf(this.db, [...unsigned.keys()]).map((row) => ({ row, signature: signatureOf(unsigned.get(row.traceId)!) }));
    // A derived index: a record not written is a trace read in full by content searches.
    await this.signatures.write(records, false).catch(() => undefined);
  }
}

/** The traces' rows (those that have one). */
function rowsOf(db: Reader, traceIds: readonly string[]): TraceRow[] {
  return chunks(traceIds).flatMap((part) =>
    db
      .values(`SELECT rowid, trace_id FROM traces WHERE trace_id IN (${placeholders(part.length)})`, part)
      .map(([rowid, traceId]) => ({ rowid: rowid as number, traceId: traceId as string })),
  );
}
