import { readFile } from 'node:fs/promises';
import { readFileRuns, type FileRuns } from '../../core/editorLens/fileRuns';
import type { TrackingStore } from '../../core/store/trackingStore';
import type { TrackingSession } from '../trackingSession';
import { patchFile } from '../runs/runArtifactFiles';
import { firstLoggedMetric } from '../../core/search/runsQuery';

/** What the editor's lenses and hovers ask the store for about one file. */
export interface FileRunsRequest {
  readonly sourceNames: readonly string[];
  /** How many of the newest runs come back. */
  readonly recent: number;
  /** The person's choice of an experiment's primary metric (the Runs view's), else undefined: the default applies. */
  readonly chosenPrimaryMetric: (experimentId: string) => string | undefined;
}

/**
 * Every store read the editor features make, behind an async interface: today the window reads
 * its own store as the Runs view does; when the store moves behind a process boundary, only this
 * module changes. `reads` counts the reads, so that a test can tell that typing makes none.
 */
export interface FileRunsReader {
  fileRuns(session: TrackingSession, request: FileRunsRequest): Promise<FileRuns | undefined>;
  /** A metric's values in step order in one run (for its sparkline). */
  metricValues(session: TrackingSession, runId: string, key: string): Promise<number[]>;
  /** The text of the run's captured uncommitted diff, when it has one. */
  capturedPatch(session: TrackingSession, runId: string): Promise<string | undefined>;
  readonly reads: number;
}

/** Points of a history read for a sparkline, from its first step: a hover's picture needs no more. */
const sparklinePoints = 5_000;

export class StoreFileRunsReader implements FileRunsReader {
  reads = 0;
  /**
   * Each experiment's default primary metric once known: the oldest run's first metric stays the
   * same as runs come and go (a refresh after every write would otherwise look it up again).
   */
  private readonly defaultMetrics = new Map<string, string>();

  async fileRuns(session: TrackingSession, request: FileRunsRequest): Promise<FileRuns | undefined> {
    const tracking = await this.tracking(session);
    if (!tracking) return undefined;
    this.reads++;
    return readFileRuns(tracking, {
      sourceNames: request.sourceNames,
      recent: request.recent,
      primaryMetricOf: (experimentId) => request.chosenPrimaryMetric(experimentId) ?? this.defaultMetric(tracking, experimentId),
    });
  }

  private defaultMetric(tracking: TrackingStore, experimentId: string): string | undefined {
    const known = this.defaultMetrics.get(experimentId);
    if (known !== undefined) return known;
    const found = firstLoggedMetric(tracking, experimentId);
    if (found !== undefined) this.defaultMetrics.set(experimentId, found);
    return found;
  }

  async metricValues(session: TrackingSession, runId: string, key: string): Promise<number[]> {
    const tracking = await this.tracking(session);
    if (!tracking) return [];
    this.reads++;
    // The store returns a history in step order.
    return tracking.getMetricHistory(runId, key, { maxResults: sparklinePoints }).metrics.map((m) => m.value);
  }

  async capturedPatch(session: TrackingSession, runId: string): Promise<string | undefined> {
    const opened = await this.owned(session);
    if (!opened) return undefined;
    this.reads++;
    const file = await patchFile(opened.access, opened.store.tracking.getRun(runId));
    return file && readFile(file, 'utf8');
  }

  private async tracking(session: TrackingSession) {
    return (await this.owned(session))?.store.tracking;
  }

  /**
   * The store as the Runs view reads it: opened when it exists on disk (a Python file open in a
   * workspace with runs is a use of RunLens), never created for a lens; none when another process owns it.
   */
  private async owned(session: TrackingSession) {
    if (!session.storeExists()) return undefined;
    const opened = await session.settledSession();
    return opened.kind === 'owner' ? opened : undefined;
  }
}
