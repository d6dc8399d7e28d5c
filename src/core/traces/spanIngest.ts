import { notFound } from '../errors';
import type { Database } from '../store/database';
import { findExperiment } from '../store/tracking/lookups';
import type { SpanFiles } from './spanFiles';
import type { IngestedSpan } from './spanAttributes';
import type { SpanJson } from './spanJson';
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
 */
export class SpanIngest {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: Database,
    private readonly spanFiles: SpanFiles,
  ) {}

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
        await this.flush(batch).catch((error: unknown) => batch.forEach((request) => request.reject(error)));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flush(requests: readonly Pending[]): Promise<void> {
    const batch = this.withKnownExperiments(requests);
    if (batch.length === 0) return;
    const failedTraces = await this.appendPayloads(batch);
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

  /** Appends the batch's spans, one append per trace; returns the traces whose append failed, with why. */
  private async appendPayloads(batch: readonly Pending[]): Promise<Map<string, unknown>> {
    const byTrace = new Map<string, SpanJson[]>();
    for (const request of batch) {
      request.outlines.forEach((outline, i) => {
        const list = byTrace.get(outline.traceId);
        if (list) list.push(request.spans[i]);
        else byTrace.set(outline.traceId, [request.spans[i]]);
      });
    }
    const failed = new Map<string, unknown>();
    await Promise.all(
      [...byTrace].map(([traceId, spans]) =>
        this.spanFiles.append(traceId, spans).catch((error: unknown) => {
          failed.set(traceId, error);
        }),
      ),
    );
    return failed;
  }
}
