import type { FingerprintResult } from './dataFingerprint';
import type { FileCapture } from './fileCapture';
import type { GitCapture } from './gitCapture';
import type { HostCapture } from './hostCapture';
import type { InterpreterCapture } from './interpreterCapture';
import type { PackageFreeze } from './packageFreeze';

/** Bumped when the record's shape changes in a way a reader must know about. */
export const captureRecordVersion = 1;

export interface LaunchCommand {
  /** The interpreter, as the launcher resolved it. */
  readonly executable: string;
  /** The script, absolute. */
  readonly script: string;
  /** The script's own arguments. */
  readonly args: readonly string[];
  readonly cwd: string;
}

/** The background package listing once it ended: its hash and size (the text goes to an artifact), or why it failed. */
export type EnvironmentSummary = Pick<PackageFreeze, 'sha256' | 'packageCount' | 'source'> | { readonly error: string };

/**
 * Everything RunLens captured when it launched a script, as the JSON the launcher stores with the
 * launch (launches.capture_json). Plain data: every field survives JSON.stringify and JSON.parse.
 */
export interface CaptureRecord {
  readonly version: typeof captureRecordVersion;
  readonly launchId: string;
  /** When the capture was taken, in ms since the epoch. */
  readonly capturedAt: number;
  readonly workspaceRoot: string;
  readonly command: LaunchCommand;
  /** The script file (the active file); absent only if it could not be read. */
  readonly file?: FileCapture;
  readonly git: GitCapture;
  readonly interpreter: InterpreterCapture;
  readonly host: HostCapture;
  /** Fingerprints of the data files the settings and arguments name. */
  readonly data: FingerprintResult;
  /** Set by the launcher when the package listing (started in the background) ends. */
  readonly environment?: EnvironmentSummary;
  /** The run this launch reproduces (Reproduce Run), by id. */
  readonly reproduces?: string;
  /** The sweep this launch is a point of: its runs nest under the sweep's parent run. */
  readonly sweep?: {
    readonly sweepId: string;
    readonly parentRunId: string;
    readonly values: Readonly<Record<string, string>>;
    /** Which point of the sweep (absent in records before 0.x): how a window that reloaded finds a point's launch. */
    readonly pointIndex?: number;
  };
  /** Parts of the capture that failed, in words; the rest of the record stands. */
  readonly problems: readonly string[];
}
