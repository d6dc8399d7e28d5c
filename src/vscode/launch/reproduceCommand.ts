import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { formatCommandLine } from '../../capture/commandLine';
import { CaptureTag } from '../../core/launches/captureTags';
import { describeEnvironmentDiff } from '../../core/launches/environmentDiff';
import { rerunPlan } from '../../core/launches/rerunPlan';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { WorkspaceSessions } from '../workspaceSessions';
import { gitPathSetting, type LaunchController } from './launchController';
import { restoreRunWorktree, runCodeSource } from './runCode';
import { interpreterNowFor, runEnvironmentDiff } from './runEnvironment';

const reproduce = 'Reproduce';

/**
 * Reproduce Run: the run's code restored in its worktree (Open Code of Run's), run again with the
 * same arguments and interpreter from the same working folder, tagged `runlens.reproduces`; when it
 * ends, the two runs open side by side in the compare view. `confirmed: true` skips asking.
 */
export function registerReproduceCommand(sessions: WorkspaceSessions, controller: LaunchController): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.ReproduceRun, (target?: unknown, options?: { confirmed?: boolean }) =>
    withErrorMessage('reproduce the run', async () => {
      if (!vscode.workspace.isTrusted) throw new Error('launching code is unavailable in an untrusted workspace');
      const source = await runCodeSource(sessions, target, 'Reproduce which run?');
      if (!source) return undefined;
      const { run, tags } = source;
      const plan = rerunPlan(tags, source.folder);
      const restored = await restoreRunWorktree(source, { gitPath: gitPathSetting() });
      if (!restored) return undefined;
      const script = path.join(restored.folder, path.basename(plan.script));
      if (!existsSync(script)) throw new Error(`${path.basename(plan.script)} is not in the run's restored code (${restored.folder})`);
      const ranWith = tags[CaptureTag.PythonPath];
      const now = await interpreterNowFor(run, vscode.Uri.file(script));
      const interpreter = now.own ? now.path : undefined;
      const environment = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Comparing the environment of run "${run.info.run_name}" with this one…` },
        async () => describeEnvironmentDiff(await runEnvironmentDiff(source.access, run, now.path, source.folder)),
      );
      if (!options?.confirmed) {
        const detail = [
          `Code: commit ${source.code.commit.slice(0, 12)}${source.code.patchFile ? " with the run's uncommitted diff" : ''}, in ${vscode.workspace.asRelativePath(restored.root, false)}`,
          `Command: ${formatCommandLine(interpreter ?? 'the interpreter chosen for the script', [path.basename(script), ...plan.args])}`,
          interpreter ? undefined : `The run's interpreter (${ranWith ?? 'not recorded'}) is not on this machine: the one chosen for the script runs it.`,
          environment.length > 0 ? `\nThe environment differs from the run's:\n${environment.map((line) => `• ${line}`).join('\n')}` : 'The environment is the same as the run\'s (packages, Python, data).',
        ];
        const choice = await vscode.window.showInformationMessage(
          `Reproduce run "${run.info.run_name}"?`,
          { modal: true, detail: detail.filter((line) => line !== undefined).join('\n') },
          reproduce,
        );
        if (choice !== reproduce) return undefined;
      }
      const launch = await controller.launch({ script: vscode.Uri.file(script), args: plan.args, interpreter, reproduces: run.info.run_id });
      if (!launch) return undefined;
      void controller.whenEnded(launch.launchId)?.then((report) => {
        const reproduction = report.ended.runs[0]?.info.run_id;
        if (reproduction) void vscode.commands.executeCommand(CommandId.CompareRuns, [run.info.run_id, reproduction]);
      });
      return { launchId: launch.launchId, worktree: restored.root, environment };
    }),
  );
}
