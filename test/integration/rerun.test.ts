import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { CaptureTag } from '../../src/core/launches/captureTags';
import type { LaunchReport } from '../../src/vscode/launch/runningLaunch';
import { git, launchAndWait, tagsOf, TrackingReader, writeFile } from './launchSupport';
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

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
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

    const before = sha256(readFileSync(script));
    writeFile(script, 'import sys\nprint("changed", sys.argv[1:])\n');
    const changed = await rerun(firstRunId, { confirmed: true });
    const after = sha256(readFileSync(script));
    assert.deepEqual(changed.differences, [`rerun/echo_args.py has changed since the run (SHA-256 ${before.slice(0, 8)} then, ${after.slice(0, 8)} now)`]);
    const afterChange = await reader.run(changed.report.ended.runs[0].info.run_id);
    assert.equal(await reader.artifact(afterChange, 'runlens/output.log'), "changed ['--lr', '0.5']\n");
  });

  test('uncommitted changes are compared with the ones the run captured, file by file', async function () {
    this.timeout(90_000);
    const repo = path.join(workspaceDir(), 'rerun-repo');
    const script = writeFile(path.join(repo, 'train.py'), 'print("train")\n');
    const config = writeFile(path.join(repo, 'config.py'), 'lr = 0.1\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    writeFile(config, 'lr = 0.01\n');
    const first = await launchAndWait('runlens.runActiveFile', vscode.Uri.file(script));
    const runId = first.ended.runs[0].info.run_id;

    assert.deepEqual((await rerun(runId)).differences, [], 'the same uncommitted change as the run had: nothing differs');
    writeFile(config, 'lr = 0.5\n');
    assert.deepEqual((await rerun(runId, { confirmed: true })).differences, ["the uncommitted changes differ from the run's in config.py"]);
  });
});
