import path from 'node:path';
import type { CaptureRecord } from './captureRecord';
import type { LaunchCapture } from './launchCapture';
import { LaunchArtifact } from '../core/launches/launchTags';

/** A capture split into what the launch record stores and the files its runs get as artifacts. */
export interface CaptureArtifacts {
  /** The record without the patch text, which is the artifact `runlens/diff.patch` instead. */
  readonly record: CaptureRecord;
  readonly files: Record<string, string | Buffer>;
}

/**
 * The diff (when the tree was dirty) and a copy of the script (when its commit does not reproduce
 * it) become artifacts. The patch leaves the record: up to megabytes of text belong in a file, not in
 * the database image that every checkpoint rewrites.
 */
export function captureArtifacts(capture: LaunchCapture): CaptureArtifacts {
  const { record, fileContent } = capture;
  const files: Record<string, string | Buffer> = {};
  if (record.git.isRepository && record.git.patch.length > 0) files[LaunchArtifact.Diff] = record.git.patch;
  if (record.file?.needsCopy && fileContent !== undefined) files[sourceCopyPath(record.file.absolutePath)] = fileContent;
  const stored: CaptureRecord = record.git.isRepository ? { ...record, git: { ...record.git, patch: '' } } : record;
  return { record: stored, files };
}

/** `runlens/source/<file name>`: where a run keeps the script as it ran. */
export function sourceCopyPath(script: string): string {
  return `${LaunchArtifact.SourceFolder}/${path.basename(script)}`;
}
