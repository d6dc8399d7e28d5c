import path from 'node:path';
import { CaptureTag } from '../../capture/tags';

/** What running a run again needs: the script and arguments it was launched with. */
export interface RerunPlan {
  /** The script, absolute. */
  readonly script: string;
  readonly args: readonly string[];
}

/** The code as it is now, to compare with what the run captured. */
export interface CurrentCode {
  /** SHA-256 of the script now; undefined when it no longer exists. */
  readonly fileSha256?: string;
  /** `HEAD` now; undefined outside a repository or before the first commit. */
  readonly commit?: string;
  readonly dirty: boolean;
}

/**
 * The script and arguments of a run RunLens launched, from its capture tags. A run RunLens did not
 * launch (no `runlens.args`) cannot be run again: there is no record of how it was started.
 */
export function rerunPlan(tags: Readonly<Record<string, string>>, workspaceRoot: string): RerunPlan {
  const source = tags[CaptureTag.SourceName];
  const argsJson = tags[CaptureTag.Args];
  if (!source || argsJson === undefined) {
    throw new Error('this run was not launched by RunLens, so how it was started is unknown');
  }
  const args: unknown = JSON.parse(argsJson);
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw new Error(`the run's ${CaptureTag.Args} tag is not a list of arguments`);
  }
  return { script: path.resolve(workspaceRoot, source), args };
}

/** How the code now differs from what the run captured, in words; empty when it is the same. */
export function codeDifferences(tags: Readonly<Record<string, string>>, now: CurrentCode): string[] {
  const differences: string[] = [];
  const source = tags[CaptureTag.SourceName];
  if (now.fileSha256 === undefined) differences.push(`${source} no longer exists`);
  else if (tags[CaptureTag.FileSha256] && tags[CaptureTag.FileSha256] !== now.fileSha256) differences.push(`${source} has changed since the run`);
  const commit = tags[CaptureTag.GitCommit];
  if (commit && commit !== now.commit) {
    differences.push(`HEAD is ${now.commit?.slice(0, 8) ?? 'not a commit'}; the run used ${commit.slice(0, 8)}`);
  }
  const wasDirty = tags[CaptureTag.GitDirty] === 'true';
  if (wasDirty || now.dirty) {
    differences.push(
      wasDirty && now.dirty
        ? 'the run had uncommitted changes, and so does the working tree now: they may differ'
        : wasDirty
          ? 'the run had uncommitted changes that the working tree no longer has'
          : 'the working tree has uncommitted changes the run did not have',
    );
  }
  return differences;
}
