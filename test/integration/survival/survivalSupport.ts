import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchStarted } from '../../../src/vscode/launch/launchCommands';
import type { LaunchReport } from '../../../src/vscode/launch/runningLaunch';
import { TrackingReader, writeFile } from '../launchSupport';
import { runLensApi, workspaceDir } from '../support';

// The windows under survival/ span two extension hosts: the first launches a script and then goes away while the
// script logs (a reload of the window); the second checks that the script lived on. They pass
// what the first launched in a file of the workspace, which outlives the extension host.

export interface SurvivalState {
  readonly launchId: string;
  /** When the first extension host went away, in ms since the epoch. */
  readonly leftAt: number;
  /** How many steps the script logs, 0.1 s apart. */
  readonly steps: number;
}

/** The script (`name`.py, its run `name`): ~20 s of logging (200 steps), one metric point and one line of output every 0.1 s. */
const survivorScript = (name: string, steps: number) => `import time
import runlens

with runlens.start_run(run_name="${name}"):
    for step in range(${steps}):
        runlens.log_metric("loss", 1.0 / (step + 1), step=step)
        print(f"step {step}", flush=True)
        time.sleep(0.1)
print("training done", flush=True)
`;

/** Where the extension host that launched the script named `name` leaves its state for the next one. */
function stateFile(name: string): string {
  return path.join(workspaceDir(), name === 'survivor' ? 'survival-state.json' : `${name}-state.json`);
}

export function readSurvivalState(name = 'survivor'): SurvivalState | undefined {
  return existsSync(stateFile(name)) ? (JSON.parse(readFileSync(stateFile(name), 'utf8')) as SurvivalState) : undefined;
}

/** Launches the script and resolves a few seconds in, once it has a run and has logged; the state is written. */
export async function launchSurvivor(name = 'survivor', steps = 200): Promise<SurvivalState> {
  const script = writeFile(path.join(workspaceDir(), `${name}.py`), survivorScript(name, steps));
  const started = await vscode.commands.executeCommand<LaunchStarted | undefined>('runlens.runActiveFile', vscode.Uri.file(script).toString());
  if (!started) throw new Error('the script was not launched');
  const output = path.join(workspaceDir(), '.runlens', 'launches', started.launchId, 'runlens', 'output.log');
  const deadline = Date.now() + 60_000;
  while (!(existsSync(output) && readFileSync(output, 'utf8').includes('step 30\n'))) {
    if (Date.now() > deadline) throw new Error('the script did not reach step 30 within a minute');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = { launchId: started.launchId, leftAt: Date.now(), steps };
  writeFileSync(stateFile(name), JSON.stringify(state));
  return state;
}

/**
 * In the next extension host: the launch is taken over, and its run ends FINISHED with every step and all its
 * output. `whileRunning` runs once the window follows the launch again, before it ends.
 */
export async function assertSurvived(name = 'survivor', whileRunning?: (launchId: string) => Promise<void>): Promise<void> {
  const state = readSurvivalState(name);
  assert.ok(state, 'the first extension host launched the script');
  const { steps } = state;
  const api = await runLensApi();
  // The window takes over the scripts still running shortly after it starts (not during activation).
  let ending: Promise<LaunchReport> | undefined;
  const deadline = Date.now() + 60_000;
  while (!(ending = api.launches.whenEnded(state.launchId))) {
    assert.ok(Date.now() < deadline, 'the new window took over the running launch');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await whileRunning?.(state.launchId);
  const report = await ending;
  assert.equal(report.ended.status, 'FINISHED', JSON.stringify(report.ended));
  assert.equal(report.ended.runs.length, 1);
  const runId = report.ended.runs[0].info.run_id;
  const reader = await TrackingReader.open();
  const run = await reader.run(runId);
  assert.equal(run.info.run_name, name);
  assert.equal(run.info.status, 'FINISHED');
  assert.ok(run.info.end_time! > state.leftAt, 'it ended after the first extension host went away');

  const endpoint = (await api.trackingEndpoint())!;
  const history = await fetch(`${endpoint.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=25000`, {
    headers: { authorization: `Bearer ${endpoint.token}` },
  });
  const points = ((await history.json()) as { metrics: { step: number }[] }).metrics;
  assert.deepEqual(
    points.map((point) => point.step).sort((a, b) => a - b),
    Array.from({ length: steps }, (_, step) => step),
    'every step logged before, during and after is stored once',
  );
  const output = await reader.artifact(run, 'runlens/output.log');
  assert.ok(output);
  // In "window" mode the tracking server went away with the extension host for a moment: the helper said it retried.
  const printed = output.split('\n').filter((line) => !line.startsWith('runlens: POST '));
  assert.deepEqual(printed, [...Array.from({ length: steps }, (_, step) => `step ${step}`), 'training done', ''], 'the output log is complete');
  assert.equal(vscode.window.terminals.some((terminal) => terminal.name.includes(name)), true, 'the new window shows it in a terminal');
}
