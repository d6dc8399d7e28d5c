import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { hashFile } from '../../capture/fileHash';
import { formatCommandLine } from '../../capture/commandLine';
import { captureGit } from '../../capture/gitCapture';
import { patchSections } from '../../capture/patchFiles';
import { codeDifferences, rerunPlan, type CurrentCode } from '../../core/launches/rerunPlan';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { patchFile } from '../runs/runArtifactFiles';
import { storeAccess } from '../runs/ownedStore';
import { pickRuns, runIdOf } from '../runs/runTargets';
import type { WorkspaceSessions } from '../workspaceSessions';
import type { LaunchController } from './launchController';

/**
 * Run Again: the same script with the same arguments, as a new tracked launch. When the code
 * differs from what the run captured, it says how and asks first (`confirmed: true` skips asking).
 */
export function registerRerunCommand(sessions: WorkspaceSessions, controller: LaunchController): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.RerunRun, (target?: unknown, options?: { confirmed?: boolean }) =>
    withErrorMessage('run the run again', async () => {
      if (!vscode.workspace.isTrusted) throw new Error('launching code is unavailable in an untrusted workspace');
      const session = sessions.sessionOf(target);
      // In this window or through the process that owns the store; the launch goes the same way as Run tracked's.
      const access = await storeAccess(session);
      const runId = runIdOf(target) ?? (await pickRuns(access, { title: 'Run which run again?' }))?.[0];
      if (!runId || !session.folder) return undefined;
      const run = await access.call('getRun', { runId });
      const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
      const plan = rerunPlan(tags, session.folder.uri.fsPath);
      const captured = await patchFile(access, run);
      const differences = codeDifferences(tags, await currentCode(plan.script), captured ? patchSections(await readFile(captured, 'utf8')) : undefined);
      if (differences.length > 0 && !options?.confirmed) {
        const args = plan.args.length > 0 ? `with the run's arguments: ${formatCommandLine(plan.args[0], plan.args.slice(1))}` : 'with no arguments, as the run had';
        const choice = await vscode.window.showWarningMessage(
          `The code differs from what run "${run.info.run_name}" captured.`,
          { modal: true, detail: `${differences.map((d) => `• ${d}`).join('\n')}\n\nIt runs ${vscode.workspace.asRelativePath(plan.script, false)} ${args}.` },
          'Run Again Anyway',
        );
        if (choice !== 'Run Again Anyway') return undefined;
      }
      if (!existsSync(plan.script)) throw new Error(`${plan.script} no longer exists`);
      const launch = await controller.launch({ script: vscode.Uri.file(plan.script), args: plan.args });
      return launch && { launchId: launch.launchId, differences };
    }),
  );
}

/** The script and the working tree now, taken as a launch captures them, so that equal code compares equal. */
async function currentCode(script: string): Promise<CurrentCode> {
  const [file, git] = await Promise.all([existsSync(script) ? hashFile(script) : undefined, captureGit(path.dirname(script))]);
  if (!git.isRepository) return { fileSha256: file?.sha256, dirty: false };
  return { fileSha256: file?.sha256, commit: git.commit, dirty: git.dirty, changes: patchSections(git.patch) };
}
