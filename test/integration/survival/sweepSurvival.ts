import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { SweepTag } from '../../../src/core/sweeps/sweepTags';
import type { SweepStarted } from '../../../src/vscode/sweeps/sweepController';
import { tagsOf, TrackingReader, writeFile } from '../launchSupport';
import { runLensApi, waitFor, workspaceDir } from '../support';

// A sweep that is running when the window reloads: the first extension host starts it and leaves
// while one point runs and others wait; the second resumes the queue and must run every point
// exactly once. Each point's script writes its value to a file as it starts: the count of lines
// is the count of runs.

interface SweepSurvivalState {
  readonly sweepId: string;
  readonly parentRunId: string;
  /** The point whose launch was running when the first extension host went away. */
  readonly runningAtReload: number;
  readonly leftAt: number;
}

const values = ['1', '2', '3', '4'];
const sweepScript = `import os, sys, time
import runlens

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sweep-ran.txt"), "a") as ran:
    ran.write(sys.argv[2] + "\\n")
with runlens.start_run():
    time.sleep(8)
    runlens.log_metric("score", float(sys.argv[2]))
`;

function stateFile(): string {
  return path.join(workspaceDir(), 'sweep-survival-state.json');
}

function pointsThatRan(): string[] {
  const file = path.join(workspaceDir(), 'sweep-ran.txt');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line) : [];
}

/**
 * Starts a sweep of four ~8 s points, one at a time; resolves with it. Long enough that the reload
 * lands while the point seen running still runs: with 4 s, on a busy machine, the point had
 * sometimes ended by the time the test saw it running and recorded the moment it left.
 */
export async function startSweep(): Promise<SweepStarted> {
  const script = writeFile(path.join(workspaceDir(), 'sweep_survivor.py'), sweepScript);
  const spec = { parameters: { value: values }, concurrency: 1 };
  const started = await vscode.commands.executeCommand<SweepStarted | undefined>('runlens.runSweep', vscode.Uri.file(script), { spec });
  if (!started) throw new Error('the sweep did not start');
  return started;
}

/** Waits until a point's script runs while another still waits, then records the state for the next extension host. */
export async function leaveSweepRunning(started: SweepStarted): Promise<void> {
  const api = await runLensApi();
  const runningAtReload = await waitFor(
    'a point running with points still queued',
    () => {
      const states = api.sweeps.pointStates(started.sweepId) ?? [];
      const running = states.find((state) => state.status === 'running');
      const queued = states.some((state) => state.status === 'queued');
      // Running means its script has started: its value is in the file.
      return running && queued && pointsThatRan().includes(values[running.index]) ? running.index : undefined;
    },
    60_000,
  );
  const state: SweepSurvivalState = { sweepId: started.sweepId, parentRunId: started.parentRunId, runningAtReload, leftAt: Date.now() };
  writeFileSync(stateFile(), JSON.stringify(state));
}

/** In the second extension host: the queue resumed, took over the running point, and ran every point once. */
export async function assertSweepSurvived(): Promise<void> {
  assert.ok(existsSync(stateFile()), 'the first extension host started the sweep');
  const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as SweepSurvivalState;
  const api = await runLensApi();
  await waitFor('the window resumed the sweep', () => api.sweeps.whenIdle(state.sweepId) && api.sweeps.pointStates(state.sweepId), 60_000);
  await api.sweeps.whenIdle(state.sweepId);
  const states = api.sweeps.pointStates(state.sweepId) ?? [];
  assert.deepEqual(states.map((point) => point.status), ['finished', 'finished', 'finished', 'finished'], JSON.stringify(states));
  assert.deepEqual(states.map((point) => point.attempts), [1, 1, 1, 1], 'no point was started twice');
  assert.deepEqual([...pointsThatRan()].sort(), values, 'each point ran once: none twice, none lost');

  const reader = await TrackingReader.open();
  const runIds = states.map((point) => point.runId);
  assert.equal(new Set(runIds).size, values.length, 'a run of its own per point');
  for (const [index, runId] of runIds.entries()) {
    assert.ok(runId);
    const run = await reader.run(runId);
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(tagsOf(run)[SweepTag.SweepId], state.sweepId);
    assert.equal(run.data.metrics?.find((metric) => metric.key === 'score')?.value, Number(values[index]));
    if (index === state.runningAtReload) assert.ok(run.info.end_time! > state.leftAt, 'the point running at the reload ended after it, followed by the new window');
  }
  const parent = await reader.run(state.parentRunId);
  assert.equal(parent.info.status, 'FINISHED');
  assert.equal(tagsOf(parent)[SweepTag.Progress], '4/4 done, 0 running, 0 failed, 0 queued');
}
