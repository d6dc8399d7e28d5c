import * as vscode from 'vscode';
import { CommandId } from '../contributions';
import { Disposable } from '../disposable';
import type { LaunchController } from './launchController';
import { endMessage, mainRun } from './launchSummary';
import type { LaunchReport } from './runningLaunch';

const openRun = 'Open Run';

/** Tells the person when a launched script ends: how, how long, its latest metrics, and a way to its run. */
export class LaunchNotifier extends Disposable {
  constructor(
    controller: LaunchController,
    /** Shows the run in the Runs view: where "Open Run" leads when the run dashboard is not available. */
    private readonly revealRun: (runId: string) => Promise<void>,
  ) {
    super();
    this.register(controller.onDidEnd((report) => void this.notify(report)));
  }

  private async notify(report: LaunchReport): Promise<void> {
    if (report.notStarted !== undefined) {
      void vscode.window.showErrorMessage(`RunLens could not start ${report.label}: ${report.notStarted}`);
      return;
    }
    const { ended } = report;
    const run = mainRun(ended.runs);
    const show =
      ended.status === 'FINISHED'
        ? vscode.window.showInformationMessage
        : ended.status === 'KILLED'
          ? vscode.window.showWarningMessage
          : vscode.window.showErrorMessage;
    const choice = await show(endMessage(report.label, ended), ...(run ? [openRun] : []));
    if (choice !== openRun || !run) return;
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes(CommandId.OpenRunDashboard)) await vscode.commands.executeCommand(CommandId.OpenRunDashboard, run.info.run_id);
    else await this.revealRun(run.info.run_id);
  }
}
