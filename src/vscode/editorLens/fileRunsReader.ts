import { readFile } from 'node:fs/promises';
import type { FileRuns } from '../../core/editorLens/fileRuns';
import type { TrackingSession } from '../trackingSession';
import { patchFile } from '../runs/runArtifactFiles';
import type { StoreAccess } from '../storeAccess';

/** What the editor's lenses and hovers ask the store for about one file. */
export interface FileRunsRequest {
  readonly sourceNames: readonly string[];
  /** How many of the newest runs come back. */
  readonly recent: number;
  /** The person's choice of an experiment's primary metric (the Runs view's), else undefined: the default applies. */
  readonly chosenPrimaryMetric: (experimentId: string) => string | undefined;
}

/**
 * Every store read the editor features make, behind an async interface, whichever process holds
 * the store. `reads` counts the reads, so that a test can tell that typing makes none.
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

/**
 * Reads through the session's StoreAccess, as the Runs view does: in process when this window owns
 * the store, else through the process that owns it (a `runlens serve`, the server process).
 */
export class StoreFileRunsReader implements FileRunsReader {
  reads = 0;
  /**
   * Each experiment's default primary metric once known: the oldest run's first metric stays the
   * same as runs come and go (a refresh after every write would otherwise look it up again).
   */
  private readonly defaultMetrics = new Map<string, string>();
  /** The experiments whose runs the lens has shown: their metrics go with each read. */
  private readonly experimentsSeen = new Set<string>();

  async fileRuns(session: TrackingSession, request: FileRunsRequest): Promise<FileRuns | undefined> {
    const access = await this.access(session);
    if (!access) return undefined;
    const primaryMetrics: Record<string, string> = {};
    for (const id of this.experimentsSeen) {
      const key = request.chosenPrimaryMetric(id) ?? this.defaultMetrics.get(id);
      if (key !== undefined) primaryMetrics[id] = key;
    }
    const read = (metrics: Record<string, string>) => {
      this.reads++;
      return access.call('fileRuns', { sourceNames: [...request.sourceNames], recent: request.recent, primaryMetrics: metrics });
    };
    let { runs } = await read(primaryMetrics);
    if (!runs || Object.hasOwn(primaryMetrics, runs.experimentId)) return runs;
    // An experiment new to the lens: its default came back; a metric the person chose needs a second read.
    const { experimentId } = runs;
    this.experimentsSeen.add(experimentId);
    const chosen = request.chosenPrimaryMetric(experimentId);
    if (chosen === undefined && runs.primary) this.defaultMetrics.set(experimentId, runs.primary.key);
    if (chosen !== undefined && chosen !== runs.primary?.key) ({ runs } = await read({ ...primaryMetrics, [experimentId]: chosen }));
    return runs;
  }

  async metricValues(session: TrackingSession, runId: string, key: string): Promise<number[]> {
    const access = await this.access(session);
    if (!access) return [];
    this.reads++;
    // The store returns a history in step order.
    return access.call('metricValues', { runId, key, limit: sparklinePoints });
  }

  async capturedPatch(session: TrackingSession, runId: string): Promise<string | undefined> {
    const access = await this.access(session);
    if (!access) return undefined;
    this.reads++;
    const file = await patchFile(access, await access.call('getRun', { runId }));
    return file && readFile(file, 'utf8');
  }

  /**
   * The store as the Runs view reads it: opened when it exists on disk (a Python file open in a
   * workspace with runs is a use of RunLens), never created for a lens; read through its owner
   * when another process has it (none while that one has not published its server).
   */
  private async access(session: TrackingSession): Promise<StoreAccess | undefined> {
    if (!session.storeExists()) return undefined;
    return (await session.settledSession()).access;
  }
}
