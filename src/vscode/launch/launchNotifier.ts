import * as vscode from 'vscode';
import { normalizeServerUrl } from '../../remote/client/remoteServer';
import { remoteAddress } from '../../protocol/runAddress';
import { CommandId } from '../contributions';
import { Disposable } from '../disposable';
import type { LaunchController } from './launchController';
import { endMessage, mainRun } from '../../core/launches/launchSummary';
import { describeServer } from './launchTarget';
import type { PendingLaunchResults } from './pendingLaunchResults';
import type { LaunchReport } from './runningLaunch';

const openRun = 'Open Run';
const retry = 'Retry';

/**
 * Tells the person when a launched script ends: how, how long, its latest metrics, where its runs
 * went, and "Open Run": the run's dashboard (a remote run's by its address), where what the script
 * just did shows (charts, metrics, output).
 */
export class LaunchNotifier extends Disposable {
  constructor(
    controller: LaunchController,
    private readonly pending: PendingLaunchResults,
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
    const { remote } = ended;
    if (remote && !remote.synced) {
      const choice = await vscode.window.showErrorMessage(
        `${endMessage(report.label, ended)}; but RunLens could not record its end on ${describeServer(remote)}: ${remote.failure}. ` +
          'Its output log and captured files are kept in the workspace until they are sent.',
        retry,
      );
      if (choice !== retry) return;
      const outcome = await this.pending.send([ended.launchId]).catch((error: Error) => {
        void vscode.window.showErrorMessage(`RunLens could not retry: ${error.message}`);
        return undefined;
      });
      const [sent] = outcome?.sent ?? [];
      const [unsent] = outcome?.unsent ?? [];
      if (sent) await this.notify(sent);
      else if (unsent) await this.notify({ ...report, ended: { ...ended, remote: { ...remote, failure: unsent.reason } } });
      return;
    }
    const run = mainRun(ended.runs);
    const show =
      ended.status === 'FINISHED'
        ? vscode.window.showInformationMessage
        : ended.status === 'KILLED'
          ? vscode.window.showWarningMessage
          : vscode.window.showErrorMessage;
    const where = remote ? ` · logged to ${remote.server}` : '';
    const choice = await show(`${endMessage(report.label, ended)}${where}`, ...(run ? [openRun] : []));
    if (choice !== openRun || !run) return;
    await vscode.commands.executeCommand(CommandId.OpenRunDashboard, remote ? remoteAddress(normalizeServerUrl(remote.url), run.info.run_id) : run.info.run_id);
  }
}
