import * as vscode from 'vscode';
import type { LaunchController } from './launchController';
import { formatDuration } from '../../core/launches/launchSummary';
import type { RunningLaunch } from './runningLaunch';

interface LaunchItem extends vscode.QuickPickItem {
  readonly launch: RunningLaunch;
}

const stopButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-stop'), tooltip: 'Stop' };

function itemOf(launch: RunningLaunch, now: number): LaunchItem {
  return {
    label: `$(terminal) ${launch.label}`,
    description: `${launch.runName ? `run ${launch.runName}` : 'no run yet'} · running for ${formatDuration(now - launch.startedAt)}`,
    detail: launch.pid !== undefined ? `process ${launch.pid}` : undefined,
    buttons: [stopButton],
    launch,
  };
}

/** The status bar's list: pick a script to show its terminal, or stop it with its button. */
export function showRunningLaunches(controller: LaunchController): void {
  const pick = vscode.window.createQuickPick<LaunchItem>();
  pick.title = 'Scripts RunLens is running';
  pick.placeholder = 'Pick one to show its terminal; the stop button ends it (its runs end KILLED)';
  const refresh = () => {
    pick.items = controller.running().map((launch) => itemOf(launch, Date.now()));
    if (pick.items.length === 0) pick.hide();
  };
  const subscriptions = [
    controller.onDidChange(refresh),
    pick.onDidAccept(() => {
      pick.selectedItems[0]?.launch.show();
      pick.hide();
    }),
    pick.onDidTriggerItemButton(({ item }) => item.launch.stop('Stopped from the list of running scripts.')),
    pick.onDidHide(() => {
      for (const subscription of subscriptions) subscription.dispose();
      pick.dispose();
    }),
  ];
  refresh();
  pick.show();
}

/** Asks which of several running launches; undefined when dismissed. */
export async function pickRunningLaunch(running: readonly RunningLaunch[], title: string): Promise<RunningLaunch | undefined> {
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    running.map((launch) => ({ ...itemOf(launch, now), buttons: [] })),
    { title },
  );
  return picked?.launch;
}
