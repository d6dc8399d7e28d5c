import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { CodeRestoreError, patchNotes, restoreInWorktree, type Restored, type RunCode } from '../../capture/codeRestore';
import { CaptureTag } from '../../core/launches/captureTags';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import type { Run } from '../../core/entities';
import { LaunchArtifact } from '../../core/launches/launchTags';
import { artifactFile, patchFile } from '../runs/runArtifactFiles';
import { pickRuns, runIdOf } from '../runs/runTargets';
import { storeAccess } from '../runs/ownedStore';
import type { StoreAccess } from '../storeAccess';
import type { WorkspaceSessions } from '../workspaceSessions';

/** The folder of `.runlens/` that holds a worktree per run whose code was restored. */
export const runWorktreesFolder = 'worktrees';

/** A run whose code can be restored: the run, its tags, and its commit and captured diff. */
export interface RunCodeSource {
  readonly access: StoreAccess;
  readonly run: Run;
  readonly tags: Readonly<Record<string, string>>;
  /** The run's workspace folder. */
  readonly folder: string;
  /** The script the run ran, absolute, where it is in the workspace. */
  readonly script: string;
  readonly code: RunCode;
  /** `.runlens/worktrees/<run id>` of the run's workspace folder. */
  readonly worktree: string;
}

/** The run a command names (or one picked), with what restoring its code needs; undefined when none was picked. */
export async function runCodeSource(sessions: WorkspaceSessions, target: unknown, title: string): Promise<RunCodeSource | undefined> {
  const session = sessions.sessionOf(target);
  const access = await storeAccess(session);
  const runId = runIdOf(target) ?? (await pickRuns(access, { title }))?.[0];
  if (!runId || !session.folder || !session.storeDir) return undefined;
  return sourceOf(access, runId, session.folder.uri.fsPath, session.storeDir);
}

async function sourceOf(access: StoreAccess, runId: string, folder: string, storeDir: string): Promise<RunCodeSource> {
  const run = await access.call('getRun', { runId });
  const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
  const commit = tags[CaptureTag.GitCommit];
  if (!commit) throw new Error(`run "${run.info.run_name}" recorded no git commit: it was not launched from a git repository`);
  const patch = tags[CaptureTag.GitDirty] === 'true' ? await patchFile(access, run) : undefined;
  // The launch read git from the script's folder (the repository may be a folder inside the workspace).
  const script = path.resolve(folder, tags[CaptureTag.SourceName] ?? '.');
  return {
    access,
    run,
    tags,
    folder,
    script,
    code: { cwd: existsSync(path.dirname(script)) ? path.dirname(script) : folder, commit, patchFile: patch },
    worktree: path.join(storeDir, runWorktreesFolder, runId),
  };
}

/**
 * The run's code in its worktree (made on first use). Where the commit is gone it says so and offers
 * the script's saved copy; undefined then. Files the captured diff could not carry are named.
 */
export async function restoreRunWorktree(source: RunCodeSource, options: { readonly gitPath?: string } = {}): Promise<Restored | undefined> {
  let restored: Restored;
  try {
    restored = await restoreInWorktree(source.code, source.worktree, { gitPath: options.gitPath });
  } catch (error) {
    if (CodeRestoreError.is(error, 'commitMissing')) {
      await offerSourceCopy(source, error.message);
      return undefined;
    }
    throw error;
  }
  const notes = source.code.patchFile ? patchNotes(await readFile(source.code.patchFile, 'utf8')) : [];
  if (restored.created && notes.length > 0) {
    void vscode.window.showWarningMessage(`The restored code of run "${source.run.info.run_name}" lacks what its diff could not carry: ${notes.join('; ')}`);
  }
  return restored;
}

/** The commit is gone: the script's copy kept in `runlens/source/` is what is left of the code. */
export async function offerSourceCopy(source: RunCodeSource, reason: string): Promise<void> {
  const copies = await sourceCopies(source.access, source.run);
  if (copies.length === 0) {
    throw new Error(`${reason}; the run kept no copy of its script (its commit reproduced it when it ran)`);
  }
  const open = 'Open Saved Source Copy';
  const choice = await vscode.window.showErrorMessage(`RunLens cannot restore the code of run "${source.run.info.run_name}": ${reason}.`, open);
  if (choice !== open) return;
  for (const copy of copies) await vscode.window.showTextDocument(vscode.Uri.file(copy), { preview: false });
}

/** The files the run keeps under `runlens/source/`, on disk. */
async function sourceCopies(access: StoreAccess, run: Run): Promise<string[]> {
  const root = storeRootOf(run.info.artifact_uri);
  if (root === undefined) return [];
  const entries = await access.call('listArtifacts', { path: `${root}/${LaunchArtifact.SourceFolder}` }).catch(() => []);
  return entries
    .filter((entry) => !entry.is_dir)
    .map((entry) => artifactFile(access, run, `${LaunchArtifact.SourceFolder}/${entry.path}`))
    .filter((file): file is string => file !== undefined);
}
