import * as vscode from 'vscode';
import { runTestsIn } from '../../suiteRunner';
import { launchSurvivor, readSurvivalState } from '../survivalSupport';
import { leaveSweepRunning, startSweep } from '../sweepSurvival';

// The entry point of the window that reloads itself while a launched script logs and a sweep runs. VS Code runs it in
// each extension host the window has: the first starts the sweep, launches the script and runs `Developer: Reload
// Window` a few seconds in, while a point of the sweep runs (it never reports: its extension host goes away); the
// second, after the reload, runs this folder's tests.

export async function run(): Promise<void> {
  const grep = process.env.RUNLENS_INTEGRATION_GREP;
  if (readSurvivalState() || (grep && !'Developer: Reload Window'.includes(grep) && !grep.includes('survive'))) return runTestsIn(__dirname);
  const sweep = await startSweep();
  const state = await launchSurvivor();
  await leaveSweepRunning(sweep);
  console.log(`integration: reloading the window while launch ${state.launchId} logs and sweep ${sweep.sweepId} runs`);
  await vscode.commands.executeCommand('workbench.action.reloadWindow');
  return new Promise<void>(() => undefined);
}
