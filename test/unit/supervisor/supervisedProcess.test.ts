import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { isProcessAlive } from '../../../src/core/launches/processAlive';
import { SupervisorFiles } from '../../../src/core/launches/supervisorFiles';
import type { LaunchCommand } from '../../../src/supervisor/launchedProcess';
import { OutputTail } from '../../../src/supervisor/outputTail';
import { SupervisedProcess, supervisorGoneReason } from '../../../src/supervisor/supervisedProcess';
import { liveMembers } from '../launches/support/processGroup';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const posix = process.platform !== 'win32';
// The compiled supervisor entry, as the extension runs dist/supervisor.js.
const entryScript = path.join(__dirname, '../../../src/supervisor/main.js');
const launchId = 'a'.repeat(32);

function python(code: string): LaunchCommand {
  return { executable: 'python3', args: ['-c', code], cwd: process.cwd(), env: { ...process.env, PYTHONUNBUFFERED: '1' } };
}

function fixture(t: TestContext) {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'runlens-supervised-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const supervisedDir = path.join(dir, 'supervised');
  const outputLog = path.join(dir, 'launches', launchId, 'runlens', 'output.log');
  mkdirSync(path.dirname(outputLog), { recursive: true });
  return { dir, supervisedDir, outputLog, files: new SupervisorFiles(supervisedDir) };
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the launch supervisor process', { skip: !hasPython && 'python3 is not installed' }, () => {
  test('runs the script outside this process, writes its output in order, and records its end', async (t) => {
    const f = fixture(t);
    const started = Date.now();
    const supervised = await SupervisedProcess.start({
      entryScript,
      supervisedDir: f.supervisedDir,
      launchId,
      outputLog: f.outputLog,
      trackingPort: 5123,
      command: python('import sys\nprint("out 1")\nprint("err 1", file=sys.stderr)\nline = sys.stdin.readline()\nprint("got " + line.strip())\nsys.exit(3)'),
    });
    const startMs = Date.now() - started;
    assert.ok(startMs < 5000, `the supervisor started in ${startMs} ms`);
    assert.notEqual(supervised.supervisorPid, process.pid);
    assert.ok(supervised.pid);
    if (posix) {
      assert.equal(parentOf(supervised.pid!), supervised.supervisorPid, "the script is the supervisor's child, not this process's");
    }
    assert.equal(f.files.liveTrackingPort(), 5123, 'a new window finds the port the script logs to');
    await until('the first output', () => readFileSync(f.outputLog, 'utf8').includes('err 1'));
    supervised.write('hello\n');
    assert.deepEqual(await supervised.ended, { kind: 'exited', exitCode: 3 });
    assert.equal(readFileSync(f.outputLog, 'utf8'), 'out 1\nerr 1\ngot hello\n', 'stdout and stderr share the log in the order written');
    assert.deepEqual(f.files.ending(launchId), { kind: 'exited', exitCode: 3 });
    await until('the supervisor to exit', () => !isProcessAlive(supervised.supervisorPid));
  });

  test('the script outlives the process that launched it (a killed extension host); a new handle sees its end', async (t) => {
    const f = fixture(t);
    // A stand-in for the extension host: starts the supervised script, says so, and is then killed -9.
    const launcher = `
      const { SupervisedProcess } = require(${JSON.stringify(path.join(__dirname, '../../../src/supervisor/supervisedProcess.js'))});
      SupervisedProcess.start(${JSON.stringify({
        entryScript,
        supervisedDir: f.supervisedDir,
        launchId,
        outputLog: f.outputLog,
        command: python('import time\nfor i in range(30):\n    print("step", i, flush=True)\n    time.sleep(0.05)'),
      })}).then((p) => { console.log(p.supervisorPid); setInterval(() => {}, 1000); });`;
    const host = spawn(process.execPath, ['-e', launcher], { stdio: ['ignore', 'pipe', 'inherit'] });
    const supervisorPid = await new Promise<number>((resolve) => host.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    host.kill('SIGKILL');
    await new Promise((resolve) => host.once('exit', resolve));

    const attached = SupervisedProcess.attach(f.supervisedDir, launchId);
    assert.ok(attached, 'its state is there for a new window');
    assert.equal(attached.supervisorPid, supervisorPid);
    assert.deepEqual(await attached.ended, { kind: 'exited', exitCode: 0 });
    const lines = readFileSync(f.outputLog, 'utf8').trim().split('\n');
    assert.deepEqual(lines, Array.from({ length: 30 }, (_, i) => `step ${i}`), 'every line of output is in the log');
  });

  test('Stop ends the whole process group, and the end says who stopped it', { skip: !posix && 'process groups are POSIX' }, async (t) => {
    const f = fixture(t);
    const supervised = await SupervisedProcess.start({
      entryScript,
      supervisedDir: f.supervisedDir,
      launchId,
      outputLog: f.outputLog,
      stopGraceMs: 500,
      command: python('import subprocess, sys, time\nsubprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])\nprint("ready", flush=True)\ntime.sleep(60)'),
    });
    await until('the script to start its child', () => readFileSync(f.outputLog, 'utf8').includes('ready'));
    supervised.stop('Stopped with RunLens: Stop Run.');
    const ending = await supervised.ended;
    assert.equal(ending.kind, 'stopped');
    assert.equal(ending.kind === 'stopped' && ending.reason, 'Stopped with RunLens: Stop Run.');
    assert.deepEqual(liveMembers(supervised.pid!), [], 'nothing of the launch is left');
  });

  test('a script that cannot start says why', async (t) => {
    const f = fixture(t);
    const supervised = await SupervisedProcess.start({
      entryScript,
      supervisedDir: f.supervisedDir,
      launchId,
      outputLog: f.outputLog,
      command: { executable: path.join(f.dir, 'no-such-python'), args: [], cwd: f.dir, env: process.env },
    });
    const ending = await supervised.ended;
    assert.equal(ending.kind, 'notStarted');
    assert.match(ending.kind === 'notStarted' ? ending.reason : '', /was not found/);
  });

  test('a supervisor killed before the script ended leaves an abandoned end, not a hang', { skip: !posix && 'signals are POSIX' }, async (t) => {
    const f = fixture(t);
    const supervised = await SupervisedProcess.start({
      entryScript,
      supervisedDir: f.supervisedDir,
      launchId,
      outputLog: f.outputLog,
      command: python('import time\ntime.sleep(60)'),
    });
    t.after(() => supervised.pid && process.kill(-supervised.pid, 'SIGKILL'));
    process.kill(supervised.supervisorPid, 'SIGKILL');
    assert.deepEqual(await supervised.ended, { kind: 'abandoned', reason: supervisorGoneReason });
  });
});

describe('following the output log', () => {
  test('hands on what is appended, in order, from the offset asked, and the rest on close', async (t) => {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'runlens-tail-')));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'output.log');
    const { appendFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(file, 'old\n');
    const seen: string[] = [];
    const tail = new OutputTail(file, (chunk) => seen.push(chunk.toString()), { offset: 4, pollMs: 10 });
    appendFileSync(file, 'one\n');
    await until('the first line', () => seen.join('') === 'one\n');
    appendFileSync(file, 'two\n');
    await tail.close();
    assert.equal(seen.join(''), 'one\ntwo\n');
    assert.equal(tail.position, 12);
  });
});
