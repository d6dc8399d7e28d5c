import type { Run } from '../entities';
import type { LaunchEnding } from './launchEnding';
import type { EndedLaunch, EndLaunchOptions } from './launchService';

/**
 * Where a launch records what happens to it while it runs: its process id, its files (the output
 * log as it grows, the package listing when that ends), the runs it gets, and its end. The store's
 * LaunchService is one; a launch that logs to a remote server has a RemoteLaunch.
 */
export interface LaunchRecorder {
  /** Where the launch keeps the file for `artifactPath` (the launcher appends the output log there). */
  filePath(launchId: string, artifactPath: string): string;
  setPid(launchId: string, pid: number): void;
  /** Calls `listener` for every run created under the launch. */
  onRunCreated(listener: (launchId: string, run: Run) => void): { dispose(): void };
  /** Copies the launch's current `artifactPath` file to its runs (the growing output log). */
  publishFile(launchId: string, artifactPath: string): Promise<void>;
  /** Replaces the capture (the package listing ended) and gives the runs the tags that changed. */
  updateCapture(launchId: string, capture: object): void;
  /** Adds a file to the launch and gives it to its runs. */
  addFile(launchId: string, artifactPath: string, content: string | Buffer): Promise<void>;
  end(launchId: string, ending: LaunchEnding, options?: EndLaunchOptions): Promise<EndedLaunch>;
  /** Forgets the launch's files once nothing more will be added. */
  release(launchId: string): Promise<void>;
}
