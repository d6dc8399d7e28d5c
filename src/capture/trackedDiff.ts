import { isUtf8 } from 'node:buffer';
import { DiffSectionSplitter, isBinaryDiffSection } from './diffSections';
import { firstLine } from './processRunner';
import { runGit, type GitOptions } from './gitCommand';
import type { PatchBuilder } from './patchBuilder';

export interface TrackedDiff {
  /** Tracked files whose working-tree content differs from `base` (staged or not). */
  readonly changedFiles: string[];
  readonly warnings: string[];
}

// The plumbing `diff-index` rather than `git diff`: the porcelain refreshes and rewrites the user's
// index (taking index.lock) whenever stat data is stale, even with GIT_OPTIONAL_LOCKS=0. Plain text,
// immune to the user's settings: no colour, no external diff or textconv (their output would not
// apply), no rename detection (each file stands alone, so the patch can be cut per file), fixed a/ b/
// prefixes.
const diffArgs = [
  'diff-index',
  '-p',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-renames',
  '--ignore-submodules=dirty',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * Streams the diff of the working tree against `base` (staged and unstaged changes of tracked
 * files) into `builder`, one section per file. Binary and non-UTF-8 files are listed, not inlined,
 * so the patch applies.
 */
export async function addTrackedDiff(root: string, base: string, builder: PatchBuilder, options: GitOptions): Promise<TrackedDiff> {
  const changedFiles = new Set<string>();
  const warnings: string[] = [];
  const splitter = new DiffSectionSplitter(builder.maxBytes, (section) => {
    if (section.path === undefined) {
      warnings.push('a section of git diff had a header RunLens could not read; it is not in the patch');
      return;
    }
    changedFiles.add(section.path);
    if (section.bytes === undefined) builder.tooLarge(section.path, section.size, true);
    else if (isBinaryDiffSection(section.bytes)) builder.leaveOut(section.path, 'binary');
    else if (!isUtf8(section.bytes)) builder.leaveOut(section.path, 'notUtf8');
    else builder.offer(section.path, section.bytes.toString('utf8'));
  });
  const result = await runGit({ args: [...diffArgs, base, '--'], cwd: root, onStdout: (chunk) => splitter.write(chunk) }, options);
  if (result.timedOut) {
    // The last section may be cut short, so it is not offered: the patch holds only whole files.
    warnings.push(`git diff did not finish in time; the patch holds only the files listed before it stopped`);
  } else if (result.exitCode !== 0) {
    warnings.push(`git diff failed: ${firstLine(result.stderr) || `exit code ${result.exitCode}`}`);
  } else {
    splitter.end();
  }
  return { changedFiles: [...changedFiles], warnings };
}
