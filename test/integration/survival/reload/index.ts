import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchStarted } from '../../../src/vscode/launch/launchCommands';
import { writeFile } from '../launchSupport';
import { runTestsIn } from '../suiteRunner';
import { workspaceDir } from '../support';
import { readReloadState, survivorScript, writeReloadState } from './reloadState';

// The entry point of the window that reloads itself while a launched script logs. VS Code runs it in each extension
// host the window has: the first launches the script and runs `Developer: Reload Window` a few seconds in (it never
// reports: its extension host goes away); the second, after the reload, runs the tests of this folder, which check
// that the script lived on and its run ended FINISHED with everything it logged.

const reloadTitle = 'a launched script survives';

export async function run(): Promise<void> {
  const grep = process.env.RUNLENS_INTEGRATION_GREP;
  if (readReloadState() || (grep && !reloadTitle.includes(grep) && !grep.includes('reload'))) return runTestsIn(__dirname);
  const script = writeFile(path.join(workspaceDir(), 'survivor.py'), survivorScript);
  const started = await vscode.commands.executeCommand<LaunchStarted | undefined>('runlens.runActiveFile', vscode.Uri.file(script).toString());
  if (!started) throw new Error('the script was not launched');
  // A few seconds in: the script has a run and has logged, and keeps logging through the reload.
  const output = path.join(workspaceDir(), '.runlens', 'launches', started.launchId, 'runlens', 'output.log');
  const deadline = Date.now() + 60_000;
  while (!(existsSync(output) && readFileSync(output, 'utf8').includes('step 30\n'))) {
    if (Date.now() > deadline) throw new Error('the script did not reach step 30 within a minute');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  writeReloadState({ launchId: started.launchId, reloadedAt: Date.now() });
  console.log(`integration: reloading the window while launch ${started.launchId} logs`);
  await vscode.commands.executeCommand('workbench.action.reloadWindow');
  // The extension host ends with the reload; the next one reports.
  return new Promise<void>(() => undefined);
}
