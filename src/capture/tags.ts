import { SweepTag } from '../core/sweeps/sweepTags';
import { CaptureTag } from '../core/launches/captureTags';
import { limits } from '../core/validation';
import type { CaptureRecord } from './captureRecord';
import { formatCommandLine } from './commandLine';
import { isInterpreterFailure } from './interpreterCapture';
import { relativePosixPath } from './relativePath';

export const truncationMarker = '… [truncated by RunLens]';

/** A tag value within MLflow's limit (8,000 characters); a longer one is cut and says so. */
export function limitTagValue(value: string, limit: number = limits.maxTagValueLength): string {
  if (value.length <= limit) return value;
  let end = limit - truncationMarker.length;
  // Never leave half of a surrogate pair behind.
  if (/[\ud800-\udbff]/.test(value[end - 1])) end--;
  return value.slice(0, end) + truncationMarker;
}

/**
 * The tags every run of a launch carries. Tags for what was not captured are absent rather than
 * empty: no commit outside a repository, no branch on a detached HEAD, no environment hash before
 * the package listing ends.
 */
export function captureTags(record: CaptureRecord): Record<string, string> {
  const { git, file, host, interpreter, command } = record;
  const scriptShown = relativePosixPath(command.cwd, command.script) || command.script;
  const tags: Record<string, string | undefined> = {
    [CaptureTag.SourceName]: file?.workspacePath ?? relativePosixPath(record.workspaceRoot, command.script) ?? command.script,
    [CaptureTag.SourceType]: 'LOCAL',
    [CaptureTag.User]: host.user,
    [CaptureTag.FileSha256]: file?.sha256,
    [CaptureTag.Command]: formatCommandLine(command.executable, [scriptShown, ...command.args]),
    [CaptureTag.Args]: JSON.stringify(command.args),
    [CaptureTag.Cwd]: command.cwd,
    // The interpreter that really ran: its own sys.executable, not the name it was asked for by (`python3`).
    [CaptureTag.PythonPath]: isInterpreterFailure(interpreter) ? interpreter.path : interpreter.executable || interpreter.path,
    [CaptureTag.PythonVersion]: isInterpreterFailure(interpreter) ? undefined : interpreter.version,
    [CaptureTag.Host]: host.hostname,
    [CaptureTag.Platform]: host.platform,
    [CaptureTag.Version]: host.runlensVersion,
    [CaptureTag.EnvSha256]: record.environment && 'sha256' in record.environment ? record.environment.sha256 : undefined,
    [CaptureTag.LaunchId]: record.launchId,
    [CaptureTag.Reproduces]: record.reproduces,
    [SweepTag.SweepId]: record.sweep?.sweepId,
    [SweepTag.ParentRunId]: record.sweep?.parentRunId,
    [SweepTag.Values]: record.sweep && JSON.stringify(record.sweep.values),
  };
  if (git.isRepository) {
    tags[CaptureTag.GitCommit] = git.commit;
    tags[CaptureTag.GitBranch] = git.branch;
    tags[CaptureTag.GitRepoUrl] = git.remote?.url;
    tags[CaptureTag.GitDirty] = String(git.dirty);
    tags[CaptureTag.GitDetached] = String(git.detached);
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (value !== undefined && value !== '') result[key] = limitTagValue(value);
  }
  return result;
}
