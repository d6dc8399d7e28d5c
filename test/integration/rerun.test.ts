import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { CaptureTag } from '../../src/capture/tags';
import type { LaunchReport } from '../../src/vscode/launch/runningLaunch';
import { launchAndWait, tagsOf, TrackingReader, writeFile } from './launchSupport';
import { runLensApi, workspaceDir } from './support';

// Run Again: a run RunLens launched starts again with the same script and arguments; a changed
// script is named before it runs.

async function rerun(runId: string, options?: { confirmed: boolean }): Promise<{ report: LaunchReport; differences: string[] }> {
  const started = await vscode.commands.executeCommand<{ launchId: string; differences: string[] } | undefined>('runlens.rerunRun', runId, options);
  assert.ok(started?.launchId, 'Run Again started a launch');
  const ended = (await runLensApi()).launches.whenEnded(started.launchId);
  assert.ok(ended);
  return { report: await ended, differences: started.differences };
}

suite('Run Again', () => {
  test('runs the same script with the same arguments, and names what changed since', async function () {
    this.timeout(90_000);
    const script = writeFile(path.join(workspaceDir(), 'rerun', 'echo_args.py'), 'import sys\nprint("args", sys.argv[1:])\n');
    const first = await launchAndWait('runlens.runActiveFileWithArguments', vscode.Uri.file(script).toString(), '--lr 0.5');
    const firstRunId = first.ended.runs[0].info.run_id;

    const same = await rerun(firstRunId);
    assert.deepEqual(same.differences, [], 'nothing changed: no warning');
    const reader = await TrackingReader.open();
    const again = await reader.run(same.report.ended.runs[0].info.run_id);
    assert.notEqual(again.info.run_id, firstRunId, 'a new run');
    assert.deepEqual(JSON.parse(tagsOf(again)[CaptureTag.Args]), ['--lr', '0.5']);
    assert.equal(await reader.artifact(again, 'runlens/output.log'), "args ['--lr', '0.5']\n");

    writeFile(script, 'import sys\nprint("changed", sys.argv[1:])\n');
    const changed = await rerun(firstRunId, { confirmed: true });
    assert.deepEqual(changed.differences, ['rerun/echo_args.py has changed since the run']);
    const afterChange = await reader.run(changed.report.ended.runs[0].info.run_id);
    assert.equal(await reader.artifact(afterChange, 'runlens/output.log'), "changed ['--lr', '0.5']\n");
  });
});
