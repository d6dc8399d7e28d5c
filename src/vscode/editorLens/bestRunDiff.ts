import path from 'node:path';
import * as vscode from 'vscode';
import { patchSections } from '../../capture/patchFiles';
import type { Run } from '../../core/entities';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { locate } from '../../capture/gitFileAtRun';
import type { RunSourceDocuments } from '../runs/runSourceDocuments';
import type { WorkspaceSessions } from '../workspaceSessions';
import type { FileRunsCache } from './fileRunsCache';
import type { FileRunsReader } from './fileRunsReader';

/** What the best-run diff needs: the cached runs, the store reader, and the run's files as documents. */
export interface BestRunDiffDeps {
  readonly sessions: WorkspaceSessions;
  readonly cache: FileRunsCache;
  readonly reader: FileRunsReader;
  readonly sources: RunSourceDocuments;
}

/**
 * "What Changed Since My Best Run?": the file (or, given, another file of the folder) in VS Code's
 * diff editor, the best run's version on the left (a read-only `runlens-run-source:` document: the
 * run's commit with its captured diff applied), the file as it is now on the right. Afterwards the
 * other files of the run's captured diff are offered, to diff one of them the same way.
 */
export function registerBestRunDiff(deps: BestRunDiffDeps): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.DiffSinceBestRun, (target?: unknown, file?: unknown) =>
    withErrorMessage('show what changed since the best run', async () => {
      const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
      if (!uri || uri.scheme !== 'file') throw new Error('open a Python file that has runs first');
      const { folder, best } = await bestRunOf(deps, uri);
      const relative = typeof file === 'string' ? file : folderRelative(folder, uri.fsPath);
      await openDiff(deps.sources, best, folder, relative);
      if (typeof file !== 'string') void offerOtherFiles(deps, uri, best, folder, relative);
    }),
  );
}

/** The file's best run and its workspace folder; an error that says why there is none. */
export async function bestRunOf(deps: Pick<BestRunDiffDeps, 'sessions' | 'cache'>, uri: vscode.Uri): Promise<{ folder: vscode.WorkspaceFolder; best: Run }> {
  const folder = deps.sessions.forUri(uri)?.folder;
  if (!folder) throw new Error('the file is not in a workspace folder, where RunLens keeps runs');
  const runs = await deps.cache.runsOf(uri);
  if (!runs) throw new Error('the store holds no runs of this file yet');
  if (!runs.primary) throw new Error("no run of this file's experiment has logged a metric, so none is best");
  if (!runs.best) throw new Error(`none of this file's runs logged ${runs.primary.key}, the experiment's primary metric`);
  return { folder, best: runs.best };
}

async function openDiff(sources: RunSourceDocuments, best: Run, folder: vscode.WorkspaceFolder, relative: string): Promise<void> {
  const before = await sources.load(best.info.run_id, relative);
  const now = vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
  const title = `${path.posix.basename(relative)} (best run ${best.info.run_name || best.info.run_id}) ↔ now`;
  await vscode.commands.executeCommand('vscode.diff', before, now, title, { preview: true });
}

/** When the run's captured diff changed other files too, offers them in a pick. */
async function offerOtherFiles(deps: BestRunDiffDeps, uri: vscode.Uri, best: Run, folder: vscode.WorkspaceFolder, relative: string): Promise<void> {
  const others = await otherPatchFiles(deps, best, folder, relative).catch(() => []);
  if (others.length === 0) return;
  const pick = 'Pick a File…';
  const answer = await vscode.window.showInformationMessage(
    `RunLens: the best run's captured diff also changed ${others.length} other file${others.length === 1 ? '' : 's'}.`,
    pick,
  );
  if (answer !== pick) return;
  const chosen = await vscode.window.showQuickPick(others, { title: 'Diff which file against the best run?' });
  if (chosen !== undefined) await vscode.commands.executeCommand(CommandId.DiffSinceBestRun, uri.toString(), chosen);
}

/** The files of the run's captured diff other than `relative`, relative to the workspace folder. */
export async function otherPatchFiles(deps: Pick<BestRunDiffDeps, 'sessions' | 'reader'>, best: Run, folder: vscode.WorkspaceFolder, relative: string): Promise<string[]> {
  const session = deps.sessions.forUri(folder.uri);
  const patch = session && (await deps.reader.capturedPatch(session, best.info.run_id));
  if (!patch) return [];
  const { top } = await locate(relative, folder.uri.fsPath);
  return [...patchSections(patch).keys()].map((file) => folderRelative(folder, path.join(top, ...file.split('/')))).filter((file) => file !== relative);
}

function folderRelative(folder: vscode.WorkspaceFolder, file: string): string {
  return path.relative(folder.uri.fsPath, file).split(path.sep).join('/');
}
