import path from 'node:path';
import { CaptureTag } from '../../core/launches/captureTags';

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
  /** The uncommitted changes now, each file's part of the patch by repository-relative path. */
  readonly changes?: ReadonlyMap<string, string>;
}

/** The uncommitted changes the run captured (`runlens/diff.patch`), by file; undefined when the run has no such file. */
export type CapturedChanges = ReadonlyMap<string, string> | undefined;

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
export function codeDifferences(tags: Readonly<Record<string, string>>, now: CurrentCode, captured?: CapturedChanges): string[] {
  const differences: string[] = [];
  const source = tags[CaptureTag.SourceName];
  const sha256Then = tags[CaptureTag.FileSha256];
  if (now.fileSha256 === undefined) differences.push(`${source} no longer exists`);
  else if (sha256Then && sha256Then !== now.fileSha256) {
    differences.push(`${source} has changed since the run (SHA-256 ${sha256Then.slice(0, 8)} then, ${now.fileSha256.slice(0, 8)} now)`);
  }
  const commit = tags[CaptureTag.GitCommit];
  if (commit && commit !== now.commit) {
    differences.push(`HEAD is ${now.commit?.slice(0, 8) ?? 'not a commit'}; the run used ${commit.slice(0, 8)}`);
  }
  const wasDirty = tags[CaptureTag.GitDirty] === 'true';
  if (wasDirty && now.dirty) {
    if (captured === undefined || now.changes === undefined) {
      differences.push('the run had uncommitted changes, and so does the working tree now; the run kept no diff to compare them with');
    } else {
      const differing = differingFiles(captured, now.changes);
      if (differing.length > 0) differences.push(`the uncommitted changes differ from the run's in ${listed(differing)}`);
    }
  } else if (wasDirty) {
    const files = captured ? ` (in ${listed([...captured.keys()])})` : '';
    differences.push(`the run had uncommitted changes${files} that the working tree no longer has`);
  } else if (now.dirty) {
    const files = now.changes ? ` (in ${listed([...now.changes.keys()])})` : '';
    differences.push(`the working tree has uncommitted changes the run did not have${files}`);
  }
  return differences;
}

/** The files whose uncommitted changes are not the same in both, in path order. */
function differingFiles(then: ReadonlyMap<string, string>, now: ReadonlyMap<string, string>): string[] {
  const paths = new Set([...then.keys(), ...now.keys()]);
  return [...paths].filter((file) => then.get(file) !== now.get(file)).sort();
}

/** "a.py, b.py and 3 more files": a dialog names a few files, not hundreds. */
function listed(files: readonly string[], shown = 5): string {
  const sorted = [...files].sort();
  if (sorted.length <= shown) return sorted.join(', ');
  return `${sorted.slice(0, shown).join(', ')} and ${sorted.length - shown} more files`;
}
