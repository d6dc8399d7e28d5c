import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { CaptureTag } from '../../src/core/launches/captureTags';
import { LaunchTag } from '../../src/core/launches/launchTags';
import { liveMembers } from '../unit/launches/support/processGroup';
import { git, launchAndWait, tagsOf, TrackingReader, writeFile } from './launchSupport';
import { runLensApi, waitFor, workspaceDir } from './support';

// Launching tracked runs as a person does: the lens's own command and arguments, a real git repository
// with an uncommitted change, real Python in a RunLens terminal, and what the store then holds, read back
// over the workspace's tracking server.

const committedScript = `import sys
import runlens


def main():
    print("training started")
    with runlens.start_run(run_name="lens-run"):
        runlens.log_param("lr", "0.1")
        for step in range(3):
            runlens.log_metric("loss", 1.0 / (step + 1), step=step)
        print("loss logged", file=sys.stderr)
    print("training done")


if __name__ == "__main__":
    main()
`;
const changedScript = committedScript.replace('"lr", "0.1"', '"lr", "0.01"');

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

suite('Run tracked from the editor', () => {
  let repo: string;
  let script: string;

  suiteSetup(() => {
    repo = path.join(workspaceDir(), 'launch-repo');
    script = writeFile(path.join(repo, 'train.py'), committedScript);
    writeFile(path.join(repo, 'data', 'train.csv'), 'x,y\n1,2\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    writeFile(script, changedScript);
  });

  test('lenses sit above each start_run and the __main__ guard, and carry serializable arguments', async () => {
    await runLensApi();
    const document = await vscode.workspace.openTextDocument(script);
    await vscode.window.showTextDocument(document);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 20);
    const lines = document.getText().split('\n');
    const placed = lenses.map((lens) => [lines[lens.range.start.line].trim(), lens.command?.title]);
    assert.deepEqual(placed, [
      ['with runlens.start_run(run_name="lens-run"):', '$(play) Run tracked'],
      ['with runlens.start_run(run_name="lens-run"):', 'Run tracked with arguments…'],
      ['with runlens.start_run(run_name="lens-run"):', 'Run sweep…'],
      ['if __name__ == "__main__":', '$(play) Run tracked'],
      ['if __name__ == "__main__":', 'Run tracked with arguments…'],
      ['if __name__ == "__main__":', 'Run sweep…'],
    ]);
    for (const lens of lenses) assert.deepEqual(lens.command?.arguments, [document.uri.toString()]);
  });

  test("the lens's command runs the script: the run records the commit, the diff, the file, the output, and FINISHED", async function () {
    this.timeout(90_000);
    const document = await vscode.workspace.openTextDocument(script);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 20);
    const lens = lenses.find((l) => l.command?.command === 'runlens.runActiveFile');
    assert.ok(lens?.command);
    const report = await launchAndWait(lens.command.command, ...(lens.command.arguments ?? []));

    assert.equal(report.ended.status, 'FINISHED');
    assert.equal(report.ended.runs.length, 1);
    const reader = await TrackingReader.open();
    const run = await reader.run(report.ended.runs[0].info.run_id);
    const tags = tagsOf(run);
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.info.run_name, 'lens-run');
    assert.equal(tags[CaptureTag.GitCommit], git(repo, 'rev-parse', 'HEAD').trim());
    assert.equal(tags[CaptureTag.GitBranch], 'main');
    assert.equal(tags[CaptureTag.GitDirty], 'true');
    assert.equal(tags[CaptureTag.SourceName], 'launch-repo/train.py');
    assert.equal(tags[CaptureTag.SourceType], 'LOCAL');
    assert.equal(tags[CaptureTag.FileSha256], sha256(readFileSync(script, 'utf8')));
    assert.equal(tags[CaptureTag.LaunchId], report.ended.launchId);
    assert.equal(tags[LaunchTag.ExitCode], '0');
    assert.ok(tags[CaptureTag.PythonVersion], 'the interpreter version is recorded');
    assert.equal(await reader.artifact(run, 'runlens/diff.patch'), git(repo, 'diff', '--no-color', 'HEAD'));
    assert.equal(await reader.artifact(run, 'runlens/source/train.py'), changedScript, 'the file differs from HEAD, so it is kept');

    const output = await reader.artifact(run, 'runlens/output.log');
    assert.ok(output, 'the run has its output log');
    for (const line of ['training started', 'loss logged', 'training done']) assert.ok(output.includes(`${line}\n`), `output.log lacks "${line}":\n${output}`);

    // The package listing runs in the background and arrives when it is done, even after the run ended.
    const requirements = await waitFor('runlens/requirements.txt', () => reader.artifact(run, 'runlens/requirements.txt'), 60_000);
    const withEnv = await waitFor('the environment hash tag', async () => tagsOf(await reader.run(run.info.run_id))[CaptureTag.EnvSha256], 10_000);
    assert.equal(withEnv, sha256(requirements), 'the tag is the hash of the listing the run keeps');
  });

  test('a script that exits 3 and never logs, outside any git repository, still gets a run: FAILED with exit code 3', async function () {
    this.timeout(60_000);
    const plain = writeFile(path.join(workspaceDir(), 'plain', 'exit3.py'), 'import sys\nprint("giving up", sys.executable)\nsys.exit(3)\n');
    const report = await launchAndWait('runlens.runActiveFile', vscode.Uri.file(plain));
    assert.equal(report.ended.status, 'FAILED');
    assert.equal(report.ended.exitCode, 3);
    assert.equal(report.ended.madeRun, true);
    const reader = await TrackingReader.open();
    const run = await reader.run(report.ended.runs[0].info.run_id);
    const tags = tagsOf(run);
    assert.equal(run.info.status, 'FAILED');
    assert.equal(run.info.experiment_id, '0', 'the Default experiment, as the setting says');
    assert.equal(tags[LaunchTag.ExitCode], '3');
    assert.equal(tags[CaptureTag.SourceName], 'plain/exit3.py');
    assert.equal(tags[CaptureTag.GitCommit], undefined, 'no commit outside a repository');
    assert.equal(tags[CaptureTag.GitDirty], undefined);
    const output = await reader.artifact(run, 'runlens/output.log');
    // The interpreter is recorded as the process knew itself, an absolute path, not `python3`.
    assert.ok(path.isAbsolute(tags[CaptureTag.PythonPath]), tags[CaptureTag.PythonPath]);
    assert.equal(output, `giving up ${tags[CaptureTag.PythonPath]}\n`);
    assert.equal(await reader.artifact(run, 'runlens/diff.patch'), undefined);
  });

  test('Stop ends the run KILLED and leaves no process of the launch alive', async function () {
    this.timeout(60_000);
    const api = await runLensApi();
    const sleeper = writeFile(
      path.join(repo, 'sleeper.py'),
      [
        'import subprocess, sys, time',
        'import runlens',
        'runlens.start_run(run_name="to-stop")',
        'child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])',
        'print("child", child.pid, flush=True)',
        'time.sleep(120)',
      ].join('\n'),
    );
    const started = await vscode.commands.executeCommand<{ launchId: string }>('runlens.runActiveFile', vscode.Uri.file(sleeper).toString());
    assert.ok(started);
    const pgid = await waitFor('the process', () => api.launches.pidOf(started.launchId), 10_000);
    // The run exists once the script logged it; Stop is given the run, as the Runs view gives it.
    const reader = await TrackingReader.open();
    const runId = await waitFor(
      'the run and the child process',
      async () => {
        const launched = await reader.runOfLaunch(started.launchId);
        return launched && liveMembers(pgid).length >= 2 ? launched : undefined;
      },
      20_000,
    );
    // While it runs, the run's output log follows what the script printed (copied every few seconds).
    const live = await waitFor('the live output log', async () => {
      const text = await reader.artifact(await reader.run(runId), 'runlens/output.log');
      return text?.includes('child ') ? text : undefined;
    }, 15_000);
    assert.match(live, /^child \d+\n$/);
    await vscode.commands.executeCommand('runlens.stopRun', runId);
    const report = await api.launches.whenEnded(started.launchId);
    assert.equal(report?.ended.status, 'KILLED');
    const run = await reader.run(runId);
    assert.equal(run.info.status, 'KILLED');
    assert.match(tagsOf(run)[LaunchTag.Note] ?? '', /Stop Run/);
    await waitFor('every process of the launch to be gone', () => (liveMembers(pgid).length === 0 ? true : undefined), 5_000);
  });

  test("what is typed into the script's terminal reaches its stdin, and closing the terminal stops it", async function () {
    this.timeout(60_000);
    const api = await runLensApi();
    const ask = writeFile(
      path.join(repo, 'ask.py'),
      'import time\nname = input("name? ")\nprint("hello " + name, flush=True)\ntime.sleep(120)\n',
    );
    const started = await vscode.commands.executeCommand<{ launchId: string }>('runlens.runActiveFile', vscode.Uri.file(ask).toString());
    assert.ok(started);
    const terminal = await waitFor(
      'the RunLens terminal',
      () => vscode.window.terminals.find((t) => t.name === 'RunLens: launch-repo/ask.py' && t.exitStatus === undefined),
      10_000,
    );
    await waitFor('the process', () => api.launches.pidOf(started.launchId), 10_000);
    terminal.sendText('Ada');
    // The launch's output log, where RunLens appends while the script runs (its runs get copies of it).
    const outputFile = path.join(workspaceDir(), '.runlens', 'launches', started.launchId, 'runlens', 'output.log');
    await waitFor('the answer', () => (existsSync(outputFile) && readFileSync(outputFile, 'utf8').includes('hello Ada') ? true : undefined), 10_000);
    const pgid = api.launches.pidOf(started.launchId)!;
    terminal.dispose();
    const report = await api.launches.whenEnded(started.launchId);
    assert.equal(report?.ended.status, 'KILLED');
    assert.equal(report?.ended.madeRun, true);
    const run = await (await TrackingReader.open()).run(report!.ended.runs[0].info.run_id);
    assert.equal(await (await TrackingReader.open()).artifact(run, 'runlens/output.log'), 'name? hello Ada\n');
    assert.match(tagsOf(run)[LaunchTag.Note] ?? '', /terminal was closed/);
    await waitFor('every process of the launch to be gone', () => (liveMembers(pgid).length === 0 ? true : undefined), 5_000);
  });

  test('raw MLflow REST calls (urllib) produce runs with the capture, two in sequence', async function () {
    this.timeout(60_000);
    const rest = writeFile(
      path.join(repo, 'rest_client.py'),
      `import json, os, time, urllib.request

def call(endpoint, body):
    request = urllib.request.Request(
        os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/" + endpoint,
        data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")

for name in ("rest-first", "rest-second"):
    run = call("runs/create", {"experiment_id": "0", "run_name": name, "start_time": int(time.time() * 1000)})["run"]
    call("runs/log-metric", {"run_id": run["info"]["run_id"], "key": "acc", "value": 0.9, "timestamp": int(time.time() * 1000)})
    call("runs/update", {"run_id": run["info"]["run_id"], "status": "FINISHED", "end_time": int(time.time() * 1000)})
    print("logged", name)
`,
    );
    const report = await launchAndWait('runlens.runActiveFile', vscode.Uri.file(rest));
    assert.equal(report.ended.status, 'FINISHED');
    assert.deepEqual(
      report.ended.runs.map((run) => run.info.run_name),
      ['rest-first', 'rest-second'],
    );
    const reader = await TrackingReader.open();
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    for (const { info } of report.ended.runs) {
      const run = await reader.run(info.run_id);
      assert.equal(tagsOf(run)[CaptureTag.GitCommit], head);
      assert.equal(tagsOf(run)[CaptureTag.SourceName], 'launch-repo/rest_client.py');
      assert.equal(tagsOf(run)[CaptureTag.LaunchId], report.ended.launchId);
      assert.match((await reader.artifact(run, 'runlens/output.log')) ?? '', /logged rest-first\nlogged rest-second\n/);
      assert.equal(await reader.artifact(run, 'runlens/source/rest_client.py'), readFileSync(rest, 'utf8'), 'an untracked script is kept');
    }
  });

  test('with arguments: the runlens module, nested runs and runs in sequence all carry the capture and the data named', async function () {
    this.timeout(60_000);
    const nested = writeFile(
      path.join(repo, 'nested.py'),
      `import sys
import runlens as mlflow

print("args", sys.argv[1:])
with mlflow.start_run(run_name="parent"):
    with mlflow.start_run(run_name="child", nested=True):
        mlflow.log_metric("loss", 0.5)
with mlflow.start_run(run_name="after"):
    mlflow.log_param("epochs", sys.argv[2])
`,
    );
    const report = await launchAndWait('runlens.runActiveFileWithArguments', vscode.Uri.file(nested).toString(), `--epochs 2 'launch-repo/data/train.csv'`);
    assert.equal(report.ended.status, 'FINISHED');
    const reader = await TrackingReader.open();
    const runs = await Promise.all(report.ended.runs.map((run) => reader.run(run.info.run_id)));
    assert.deepEqual(
      runs.map((run) => [run.info.run_name, run.info.status]),
      [
        ['parent', 'FINISHED'],
        ['child', 'FINISHED'],
        ['after', 'FINISHED'],
      ],
    );
    assert.equal(tagsOf(runs[1])['mlflow.parentRunId'], runs[0].info.run_id);
    for (const run of runs) {
      const tags = tagsOf(run);
      assert.equal(tags[CaptureTag.LaunchId], report.ended.launchId);
      assert.equal(tags[CaptureTag.GitCommit], git(repo, 'rev-parse', 'HEAD').trim());
      assert.deepEqual(JSON.parse(tags[CaptureTag.Args]), ['--epochs', '2', 'launch-repo/data/train.csv']);
      assert.deepEqual(
        run.inputs.dataset_inputs?.map((input) => [input.dataset.name, input.dataset.digest]),
        [['launch-repo/data/train.csv', sha256('x,y\n1,2\n').slice(0, 8)]],
      );
      assert.match((await reader.artifact(run, 'runlens/output.log')) ?? '', /args \['--epochs', '2', 'launch-repo\/data\/train.csv'\]/);
    }
  });

  test('launching a script again closes the terminals its finished launches left, unless the setting keeps them', async function () {
    this.timeout(90_000);
    const quick = writeFile(path.join(workspaceDir(), 'plain', 'quick.py'), 'print("quick")\n');
    const launchQuick = async (): Promise<vscode.Terminal> => {
      const before = new Set(vscode.window.terminals);
      await launchAndWait('runlens.runActiveFile', vscode.Uri.file(quick));
      const opened = vscode.window.terminals.filter((terminal) => !before.has(terminal));
      assert.equal(opened.length, 1, 'each launch opens one terminal');
      return opened[0];
    };
    const isOpen = (terminal: vscode.Terminal) => vscode.window.terminals.includes(terminal);
    const first = await launchQuick();
    assert.ok(isOpen(first), 'a finished launch keeps its terminal, with the output, until the script runs again');
    const second = await launchQuick();
    await waitFor('the first terminal to close', async () => (isOpen(first) ? undefined : true), 5_000);
    const config = vscode.workspace.getConfiguration('runlens');
    try {
      await config.update('keepFinishedTerminals', true, vscode.ConfigurationTarget.Workspace);
      const third = await launchQuick();
      assert.ok(isOpen(second) && isOpen(third), 'the setting keeps them');
    } finally {
      await config.update('keepFinishedTerminals', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('the setting turns the lenses off, and on again', async () => {
    const document = await vscode.workspace.openTextDocument(script);
    const config = vscode.workspace.getConfiguration('runlens');
    const lenses = async () => await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 20);
    const count = async () => (await lenses()).length;
    // The script has runs by now: the summary of its runs (src/vscode/editorLens) shows beside the launch lenses.
    const launchLenses = async () => (await lenses()).filter((lens) => lens.command?.command.startsWith('runlens.runActiveFile')).length;
    try {
      await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
      await waitFor('the lenses to go', async () => ((await count()) === 0 ? true : undefined), 5_000);
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the lenses to come back', async () => ((await launchLenses()) === 4 ? true : undefined), 5_000);
  });
});
