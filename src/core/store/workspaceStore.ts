import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ArtifactStore } from './artifactStore';
import { Database } from './database';
import type { OpenOptions } from './databaseApi';
import { makeStoreDir, storeFileMode } from './fileSync';
import { ModelRegistry } from './modelRegistry';
import { type HistoryMoveProgress, moveHistoriesOutOfImage } from './series/historyMove';
import os from 'node:os';
import { Ownership, type OwnerInfo, type PublishedServer } from './ownership';
import type { RecoveryReport } from './recovery';
import type { StoreChanges } from './storeChange';
import { storeFiles } from './storeFiles';
import { TrackingStore } from './trackingStore';
import { SpanFiles } from '../traces/spanFiles';
import { TraceStore } from '../traces/traceStore';

/** Another live process owns the store: talk to its server (`owner.port`, `owner.token`) instead. */
export class StoreOwnedElsewhereError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: OwnerInfo,
  ) {
    const where = owner.hostname === os.hostname() ? '' : ` on ${owner.hostname}`;
    super(`The RunLens store ${dir} is in use by process ${owner.pid}${where}.`);
    this.name = 'StoreOwnedElsewhereError';
  }

  static is(error: unknown): error is StoreOwnedElsewhereError {
    return error instanceof StoreOwnedElsewhereError;
  }
}

export interface WorkspaceStoreOptions extends Pick<OpenOptions, 'checkpointBytes' | 'idleCheckpointMs' | 'onBackgroundError'> {
  /** The claim of an owner found not to be RunLens (see Ownership.acquire): take the store over from it. */
  readonly staleClaim?: string;
  /** Told as a store made before the history files moves its histories out of the image (first open only). */
  readonly onMigrationProgress?: (progress: HistoryMoveProgress) => void;
}

/**
 * A `.runlens/` folder opened by the process that owns it: the durable database and the stores
 * over it. Another live process already owning the folder makes `open` throw StoreOwnedElsewhereError,
 * which names that process and, once it has published it, its server.
 */
export class WorkspaceStore {
  private constructor(
    readonly dir: string,
    readonly db: Database,
    readonly tracking: TrackingStore,
    readonly registry: ModelRegistry,
    readonly artifacts: ArtifactStore,
    readonly traces: TraceStore,
    private readonly ownership: Ownership,
    /** The claim of an owner that died without releasing the store (crashed, or was killed), taken over on opening. */
    readonly tookOverFrom: OwnerInfo | undefined,
  ) {}

  static async open(dir: string, options: WorkspaceStoreOptions = {}): Promise<WorkspaceStore> {
    makeStoreDir(dir);
    writeGitignore(dir);
    const claim = Ownership.acquire(dir, options.staleClaim);
    if (claim.kind === 'owned') throw new StoreOwnedElsewhereError(dir, claim.owner);
    try {
      const { onMigrationProgress, ...openOptions } = options;
      const db = await Database.open({ ...openOptions, dir });
      try {
        await moveHistoriesOutOfImage(db, onMigrationProgress);
        const store = new WorkspaceStore(
          dir,
          db,
          new TrackingStore(db),
          new ModelRegistry(db),
          new ArtifactStore(path.join(dir, storeFiles.artifacts)),
          new TraceStore(db, new SpanFiles(path.join(dir, storeFiles.traces))),
          claim.ownership,
          claim.tookOverFrom,
        );
        // In the background: a store with many traces opens as fast as ever. Traces it has not
        // reached when the store closes (or a span file it cannot read) stay pending for the next open.
        store.traces.indexPendingSpanAttributes().catch(() => undefined);
        store.traces.buildContentSignatures().catch(() => undefined);
        return store;
      } catch (error) {
        db.close();
        throw error;
      }
    } catch (error) {
      claim.ownership.release();
      throw error;
    }
  }

  /** What opening recovered or set aside; show `message` to the user when there is one. */
  get recovery(): RecoveryReport {
    return this.db.recovery;
  }

  get owner(): OwnerInfo {
    return this.ownership.owner;
  }

  /** Tells other processes on this folder where the owner's tracking server listens. */
  publish(server: PublishedServer): void {
    this.ownership.publish(server);
  }

  /** Calls `listener` after every committed write, with what it changed (for live views). */
  onDidWrite(listener: (changes: StoreChanges) => void): { dispose(): void } {
    return this.db.onDidWrite(listener);
  }

  /**
   * For a folder deleted while open: closes the database without writing anything, and gives up the
   * claim only if the claim is still ours (so a store another process made in its place stays whole).
   */
  abandon(): void {
    try {
      this.db.abandon();
    } finally {
      this.ownership.release();
    }
  }

  /** Checkpoints, closes the database and gives up the folder. */
  close(): void {
    try {
      this.db.close();
    } finally {
      this.ownership.release();
    }
  }

  /** `close` with the last checkpoint built off the event loop (`Database.closeInBackground`); the folder is given up after it. */
  async closeInBackground(): Promise<void> {
    try {
      await this.db.closeInBackground();
    } finally {
      this.ownership.release();
    }
  }
}

/** The store is the workspace's private data: keep all of it out of git, from the first use. */
function writeGitignore(dir: string): void {
  try {
    writeFileSync(path.join(dir, storeFiles.gitignore), '*\n', { flag: 'wx', mode: storeFileMode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
