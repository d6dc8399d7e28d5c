import path from 'node:path';
import * as vscode from 'vscode';
import { listRunWorktrees, removeRunWorktree, type RunWorktree } from '../../capture/runWorktrees';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { formatBytes } from '../runs/runFormat';
import { storeAccess } from '../runs/ownedStore';
import type { StoreAccess } from '../storeAccess';
import type { TrackingSession } from '../trackingSession';
import type { WorkspaceSessions } from '../workspaceSessions';
import { gitPathSetting } from './launchController';
import { runWorktreesFolder } from './runCode';

/** Which worktrees to remove without asking (tests, other extensions); `confirmed` removes changed ones too. */
export interface CleanUpOptions {
  readonly runIds?: readonly string[];
  readonly confirmed?: boolean;
}

interface Found extends RunWorktree {
  readonly runName: string;
}

const removeAll = 'Remove All';
const keepChanged = 'Keep the Changed Ones';

/**
 * RunLens: Clean Up Run Worktrees. "Open Code of Run" and Reproduce leave a worktree per run in
 * `.runlens/worktrees/`; this lists them with their run and size, and removes the chosen ones with
 * `git worktree remove`. Ones whose files were edited since they were restored are removed only
 * when the person confirms.
 */
export function registerRunWorktreeCleanup(sessions: WorkspaceSessions): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.CleanUpRunWorktrees, (options?: CleanUpOptions) =>
    withErrorMessage('clean up the run worktrees', async () => {
      if (!vscode.workspace.isTrusted) throw new Error('removing files is unavailable in an untrusted workspace');
      const gitOptions = { gitPath: gitPathSetting() };
      const found = (await Promise.all(sessions.all().map((session) => worktreesOf(session, gitOptions)))).flat();
      if (found.length === 0) {
        void vscode.window.showInformationMessage('RunLens: there are no run worktrees to clean up.');
        return { removed: [] };
      }
      const chosen = options?.runIds ? found.filter((worktree) => options.runIds?.includes(worktree.runId)) : await pick(found);
      if (!chosen || chosen.length === 0) return undefined;
      const toRemove = options?.confirmed ? chosen : await confirmChanged(chosen);
      if (!toRemove || toRemove.length === 0) return undefined;
      const removed: string[] = [];
      const failures: string[] = [];
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'RunLens: removing run worktrees' }, async () => {
        for (const worktree of toRemove) {
          try {
            await removeRunWorktree(worktree.path, gitOptions);
            removed.push(worktree.runId);
          } catch (error) {
            failures.push(`${worktree.runName}: ${(error as Error).message}`);
          }
        }
      });
      const freed = toRemove.filter((worktree) => removed.includes(worktree.runId)).reduce((sum, worktree) => sum + worktree.bytes, 0);
      const done = `RunLens removed ${removed.length} run worktree${removed.length === 1 ? '' : 's'} (${formatBytes(freed)})`;
      if (failures.length > 0) void vscode.window.showErrorMessage(`${done}; it could not remove ${failures.join('; ')}`);
      else void vscode.window.showInformationMessage(`${done}.`);
      return { removed };
    }),
  );
}

/** The session's run worktrees, named after their runs (a run deleted since is said to be). */
async function worktreesOf(session: TrackingSession, gitOptions: { gitPath?: string }): Promise<Found[]> {
  const storeDir = session.storeDir;
  if (!storeDir || !session.storeExists()) return [];
  const worktrees = await listRunWorktrees(path.join(storeDir, runWorktreesFolder), gitOptions);
  if (worktrees.length === 0) return [];
  // In this window or through the process that owns the store.
  const access = await storeAccess(session);
  return Promise.all(worktrees.map(async (worktree) => ({ ...worktree, runName: await runNameOf(access, worktree.runId) })));
}

async function runNameOf(access: StoreAccess, runId: string): Promise<string> {
  try {
    return (await access.call('getRun', { runId })).info.run_name;
  } catch {
    return `run ${runId} (deleted)`;
  }
}

async function pick(found: readonly Found[]): Promise<Found[] | undefined> {
  const items = found.map((worktree) => ({
    label: worktree.runName,
    description: `${formatBytes(worktree.bytes)}${worktree.changed ? ' · changed since restored' : ''}`,
    detail: worktree.path,
    worktree,
  }));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Remove which run worktrees?', matchOnDetail: true });
  return picked?.map((item) => item.worktree);
}

/** Changed worktrees go only when the person says so; undefined when they cancel. */
async function confirmChanged(chosen: readonly Found[]): Promise<Found[] | undefined> {
  const changed = chosen.filter((worktree) => worktree.changed);
  if (changed.length === 0) return [...chosen];
  const names = changed.map((worktree) => worktree.runName).join(', ');
  const choice = await vscode.window.showWarningMessage(
    `${changed.length === 1 ? 'One worktree has' : `${changed.length} worktrees have`} files changed since RunLens restored them (${names}).`,
    { modal: true, detail: 'Removing them loses those changes.' },
    removeAll,
    ...(changed.length < chosen.length ? [keepChanged] : []),
  );
  if (choice === removeAll) return [...chosen];
  if (choice === keepChanged) return chosen.filter((worktree) => !worktree.changed);
  return undefined;
}
