import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { launchEndingOf, LaunchedProcess, type LaunchCommand } from '../../../src/supervisor/launchedProcess';
import { liveMembers } from './support/processGroup';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const posix = process.platform !== 'win32';

function python(code: string): LaunchCommand {
  return { executable: 'python3', args: ['-c', code], cwd: process.cwd(), env: { ...process.env, PYTHONUNBUFFERED: '1' } };
}

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the launched process', { skip: !hasPython && 'python3 is not installed' }, () => {
  test('output arrives from stdout and stderr; input is forwarded; the exit code ends it', async () => {
    const chunks: string[] = [];
    const launched = new LaunchedProcess(
      python('import sys\nprint("out 1")\nprint("err 1", file=sys.stderr)\nline = sys.stdin.readline()\nprint("got " + line.strip())\nsys.exit(3)'),
      (chunk) => chunks.push(chunk.toString()),
    );
    const pid = await launched.started;
    assert.equal(pid, launched.pid);
    await until('the first output', () => chunks.join('').includes('out 1\n') && chunks.join('').includes('err 1\n'));
    launched.write('hello\n');
    const end = await launched.ended;
    assert.deepEqual(end, { kind: 'exited', exitCode: 3, signal: null });
    // stdout and stderr are two pipes: only what one process wrote after reading the input is ordered for sure.
    assert.equal(chunks.join('').length, 'out 1\nerr 1\ngot hello\n'.length);
    assert.ok(chunks.join('').endsWith('got hello\n'));
    assert.deepEqual(launchEndingOf(end), { kind: 'exited', exitCode: 3 });
    assert.equal(launched.running, false);
  });

  test('an interpreter that does not exist ends as not started, with a reason', async () => {
    const launched = new LaunchedProcess({ executable: 'python-does-not-exist-3.99', args: [], cwd: process.cwd(), env: process.env }, () => undefined);
    await assert.rejects(launched.started);
    const end = await launched.ended;
    assert.equal(end.kind, 'notStarted');
    assert.deepEqual(launchEndingOf(end), { kind: 'notStarted', reason: 'python-does-not-exist-3.99 was not found (is it installed and on PATH?)' });
  });

  test('Stop ends the whole process group, children included, and says it was stopped', { skip: !posix }, async () => {
    const chunks: string[] = [];
    const code = [
      'import subprocess, sys, time',
      'child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])',
      'print("child", child.pid, flush=True)',
      'time.sleep(60)',
    ].join('\n');
    const launched = new LaunchedProcess(python(code), (chunk) => chunks.push(chunk.toString()));
    const pgid = await launched.started;
    await until('the child to start', () => /child \d+/.test(chunks.join('')));
    const childPid = Number(/child (\d+)/.exec(chunks.join(''))![1]);
    assert.ok(liveMembers(pgid).includes(childPid), 'the child is in the launch group');

    launched.stop('Stopped by the test.');
    const end = await launched.ended;
    assert.equal(end.kind, 'exited');
    assert.deepEqual(launchEndingOf(end), { kind: 'stopped', reason: 'Stopped by the test.', signal: 'SIGTERM' });
    await until('the group to be gone', () => liveMembers(pgid).length === 0, 5_000);
  });

  test('a script that ignores SIGTERM is killed after the grace period', { skip: !posix }, async () => {
    const chunks: string[] = [];
    const code = 'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("ready", flush=True)\ntime.sleep(60)';
    const launched = new LaunchedProcess(python(code), (chunk) => chunks.push(chunk.toString()), 300);
    const pgid = await launched.started;
    await until('the handler to be installed', () => chunks.join('').includes('ready'));
    const stopped = Date.now();
    launched.stop('Stopped by the test.');
    const end = await launched.ended;
    assert.ok(Date.now() - stopped >= 250, 'SIGKILL waits for the grace period');
    assert.deepEqual(launchEndingOf(end), { kind: 'stopped', reason: 'Stopped by the test.', signal: 'SIGKILL' });
    await until('the group to be gone', () => liveMembers(pgid).length === 0, 5_000);
  });

  test('Ctrl+C interrupts the group, and counts as a stop', { skip: !posix }, async () => {
    const chunks: string[] = [];
    const launched = new LaunchedProcess(python('import time\nprint("ready", flush=True)\ntime.sleep(60)'), (chunk) => chunks.push(chunk.toString()));
    await launched.started;
    await until('the script to start', () => chunks.join('').includes('ready'));
    launched.interrupt();
    const ending = launchEndingOf(await launched.ended);
    assert.equal(ending.kind, 'stopped');
    assert.match(chunks.join(''), /KeyboardInterrupt/);
  });
});
