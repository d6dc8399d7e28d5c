import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { runTestsIn } from '../../suiteRunner';
import { launchSurvivor, readSurvivalState } from '../survivalSupport';
import { leaveSweepRunning, startSweep } from '../sweepSurvival';
import { crashSurvivorName, launchWaiter, reopenMarker, SuiteTitle, survivorSteps } from './processModeSupport';

// The entry point of the window in `runlens.server.mode` "process". VS Code runs it in each extension host the window
// has: the first launches two scripts, starts a sweep and reloads the window while a point of it runs; the second runs afterReload/, launches again and kills
// its own extension host with SIGKILL (the harness sees the window end and, finding the marker, opens it again); the
// third runs afterCrash/.

export async function run(): Promise<void> {
  const grep = process.env.RUNLENS_INTEGRATION_GREP;
  // Another feature's tests are run: this window's, which its grep leaves out, need no launch.
  if (grep && !Object.values(SuiteTitle).some((title) => title.includes(grep))) return runTestsIn(path.join(__dirname, 'afterReload'));
  if (readSurvivalState(crashSurvivorName)) return runTestsIn(path.join(__dirname, 'afterCrash'));
  if (readSurvivalState()) {
    await runTestsIn(path.join(__dirname, 'afterReload'));
    const state = await launchSurvivor(crashSurvivorName, survivorSteps);
    writeFileSync(reopenMarker(), '');
    console.log(`integration: killing the extension host (pid ${process.pid}) with SIGKILL while launch ${state.launchId} logs`);
    process.kill(process.pid, 'SIGKILL');
    return new Promise<void>(() => undefined);
  }
  await launchWaiter();
  const sweep = await startSweep();
  // The sweep first: the survivor must still log after the reload, to be seen live.
  await leaveSweepRunning(sweep);
  const state = await launchSurvivor('survivor', survivorSteps);
  console.log(`integration: reloading the window (server mode "process") while launch ${state.launchId} logs and sweep ${sweep.sweepId} runs`);
  await vscode.commands.executeCommand('workbench.action.reloadWindow');
  return new Promise<void>(() => undefined);
}
