import * as vscode from 'vscode';
import { runTestsIn } from '../../suiteRunner';
import { launchSurvivor, readSurvivalState } from '../survivalSupport';

// The entry point of the window that reloads itself while a launched script logs. VS Code runs it in each extension
// host the window has: the first launches the script and runs `Developer: Reload Window` a few seconds in (it never
// reports: its extension host goes away); the second, after the reload, runs this folder's tests.

export async function run(): Promise<void> {
  const grep = process.env.RUNLENS_INTEGRATION_GREP;
  if (readSurvivalState() || (grep && !'Developer: Reload Window'.includes(grep) && !grep.includes('survive'))) return runTestsIn(__dirname);
  const state = await launchSurvivor();
  console.log(`integration: reloading the window while launch ${state.launchId} logs`);
  await vscode.commands.executeCommand('workbench.action.reloadWindow');
  return new Promise<void>(() => undefined);
}
