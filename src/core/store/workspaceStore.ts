import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ArtifactStore } from './artifactStore';
import { Database, type OpenOptions } from './database';
import { ModelRegistry } from './modelRegistry';
import os from 'node:os';
import { Ownership, type OwnerInfo } from './ownership';
import type { RecoveryReport } from './recovery';
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

export type WorkspaceStoreOptions = Pick<OpenOptions, 'checkpointBytes' | 'idleCheckpointMs' | 'onBackgroundError'>;

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
  ) {}

  static async open(dir: string, options: WorkspaceStoreOptions = {}): Promise<WorkspaceStore> {
    mkdirSync(dir, { recursive: true });
    writeGitignore(dir);
    const claim = Ownership.acquire(dir);
    if (claim.kind === 'owned') throw new StoreOwnedElsewhereError(dir, claim.owner);
    try {
      const db = await Database.open({ ...options, dir });
      try {
        return new WorkspaceStore(
          dir,
          db,
          new TrackingStore(db),
          new ModelRegistry(db),
          new ArtifactStore(path.join(dir, storeFiles.artifacts)),
          new TraceStore(db, new SpanFiles(path.join(dir, storeFiles.traces))),
          claim.ownership,
        );
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
  publish(server: { readonly port: number; readonly token: string }): void {
    this.ownership.publish(server);
  }

  /** Calls `listener` after every committed write (for live views). */
  onDidWrite(listener: () => void): { dispose(): void } {
    return this.db.onDidWrite(listener);
  }

  /** Checkpoints, closes the database and gives up the folder. */
  close(): void {
    try {
      this.db.close();
    } finally {
      this.ownership.release();
    }
  }
}

/** The store is the workspace's private data: keep all of it out of git, from the first use. */
function writeGitignore(dir: string): void {
  try {
    writeFileSync(path.join(dir, storeFiles.gitignore), '*\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
