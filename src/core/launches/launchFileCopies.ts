import { createReadStream } from 'node:fs';
import { ErrorCode, MlflowError } from '../errors';
import type { ArtifactStore } from '../store/artifactStore';
import type { Database } from '../store/database';
import { storeRootOf } from '../store/runArtifactRoot';
import { getRun } from '../store/tracking/runs';
import type { LaunchFiles } from './launchFiles';

/**
 * Copies a launch's files into its runs' artifacts, one copy at a time per launch, so that a later
 * copy of a file (the output log, growing) never lands before an earlier one.
 */
export class LaunchFileCopies {
  private readonly copies = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactStore,
    private readonly files: LaunchFiles,
    private readonly log: (message: string) => void,
  ) {}

  /** Queues copies of the launch's files (all, or those named) into the runs' artifacts; resolves when done. */
  copyToRuns(launchId: string, runIds: readonly string[], only?: readonly string[]): Promise<void> {
    const previous = this.copies.get(launchId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const files = only ?? (await this.files.list(launchId));
      for (const runId of runIds) {
        for (const artifactPath of files) await this.copyFile(launchId, runId, artifactPath);
      }
    });
    this.copies.set(launchId, next);
    return next;
  }

  /** Waits for the launch's queued copies, then forgets them. */
  async settle(launchId: string): Promise<void> {
    await this.copies.get(launchId);
    this.copies.delete(launchId);
  }

  /** Never throws: a run or file that vanished meanwhile is skipped, anything else is logged. */
  private async copyFile(launchId: string, runId: string, artifactPath: string): Promise<void> {
    try {
      const root = storeRootOf(getRun(this.db, runId).info.artifact_uri);
      if (root === undefined) return;
      const source = createReadStream(this.files.path(launchId, artifactPath));
      await this.artifacts.write(`${root}/${artifactPath}`, source);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || MlflowError.is(error, ErrorCode.ResourceDoesNotExist)) return;
      this.log(`RunLens: ${artifactPath} of launch ${launchId} could not be copied to run ${runId}: ${(error as Error).message}`);
    }
  }
}
