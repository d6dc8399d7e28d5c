import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchStarted } from '../../../../src/vscode/launch/launchCommands';
import type { RunNode, RunsTreeNode } from '../../../../src/vscode/runs/runsTreeNodes';
import { writeFile } from '../../launchSupport';
import { runLensApi, waitFor, workspaceDir } from '../../support';
import { untilShown, ViewMirror } from '../../viewMirror';

// The window of `runlens.server.mode` "process" (its folder's .vscode/settings.json says so) spans three extension
// hosts: the first launches and reloads the window; the second checks the take-back, then launches again and is
// killed with SIGKILL (an extension host crash); the harness opens the window again, and the third checks that
// take-back and the extension host's memory while a script logs a million points.

/**
 * ~30 s of logging: the window that comes back (a reload, or a page opened again, and a cold extension host on two
 * busy cores) must still find it running, to show it live.
 */
export const survivorSteps = 300;

/** The script the second extension host launches and leaves by crashing. */
export const crashSurvivorName = 'crash_survivor';

/** The script the first extension host leaves running for the second to stop: it logs until stopped (at most 2 min). */
export const waiterName = 'waiter';
const waiterScript = `import time
import runlens

with runlens.start_run(run_name="${waiterName}"):
    for step in range(1200):
        runlens.log_metric("tick", step, step=step)
        print(f"tick {step}", flush=True)
        time.sleep(0.1)
`;

interface WaiterState {
  readonly launchId: string;
}

function waiterStateFile(): string {
  return path.join(workspaceDir(), `${waiterName}-state.json`);
}

/** Launches the script that runs until stopped, once it has a run; its launch id is left for the next extension host. */
export async function launchWaiter(): Promise<void> {
  const script = writeFile(path.join(workspaceDir(), `${waiterName}.py`), waiterScript);
  const started = await vscode.commands.executeCommand<LaunchStarted | undefined>('runlens.runActiveFile', vscode.Uri.file(script).toString());
  if (!started) throw new Error('the waiter was not launched');
  const output = path.join(workspaceDir(), '.runlens', 'launches', started.launchId, 'runlens', 'output.log');
  await waitFor('the waiter logs', () => existsSync(output) && readFileSync(output, 'utf8').includes('tick 5\n'), 60_000);
  writeFileSync(waiterStateFile(), JSON.stringify({ launchId: started.launchId } satisfies WaiterState));
}

export function readWaiterState(): WaiterState | undefined {
  return existsSync(waiterStateFile()) ? (JSON.parse(readFileSync(waiterStateFile(), 'utf8')) as WaiterState) : undefined;
}

/** This window's suites: RUNLENS_INTEGRATION_GREP runs the window's stages only when it picks one of them. */
export const SuiteTitle = {
  reload: 'Process mode: Developer: Reload Window while launched scripts log',
  crash: 'Process mode: the extension host killed with SIGKILL while a launched script logs',
  sweep: 'Process mode: Developer: Reload Window while a sweep runs',
} as const;

/** The file whose presence asks scripts/codeServerIntegration.mjs to open the window again once its extension host is gone. */
export function reopenMarker(): string {
  return path.join(workspaceDir(), '.reopen-window');
}

/** Asserts that this window is the guest of a RunLens server process, not the owner of its store. */
export async function assertGuestOfServerProcess(): Promise<void> {
  const api = await runLensApi();
  assert.equal(vscode.workspace.getConfiguration('runlens').get('server.mode'), 'process');
  assert.equal(await api.workspaceStore(), undefined, 'the server process owns the store: this window does not open it');
}

/** While the launch runs: the Runs view shows its run RUNNING, and redraws it as it goes on. */
export async function assertShownLive(name: string, launchId: string): Promise<void> {
  const api = await runLensApi();
  const view = new ViewMirror<RunsTreeNode>(api.runsTree, (node) => node.kind === 'experiment');
  try {
    await view.start();
    await untilShown(view, `the run ${name} in the Runs view`, (paths) => paths.includes(`Default/${name}`));
    const shown = async () => {
      const experiment = ((await api.runsTree.getChildren()) ?? []).find((node) => node.kind === 'experiment' && api.runsTree.getTreeItem(node).label === 'Default');
      const runs = experiment ? ((await api.runsTree.getChildren(experiment)) ?? []) : [];
      return runs.find((node): node is RunNode => node.kind === 'run' && node.run.info.run_name === name);
    };
    const node = await waitFor(`the run ${name} read from the view`, shown, 20_000);
    assert.equal(node.run.info.status, 'RUNNING', `the view shows it running (launch ${api.launches.pidOf(launchId) === undefined ? 'ended' : 'running'})`);
    assert.ok(api.launches.pidOf(launchId) !== undefined, 'the window follows it: it has its process');
  } finally {
    view.dispose();
  }
}
