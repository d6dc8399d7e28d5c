// `runlens serve` as a real child process over a real .runlens/ folder: what it prints, that the
// printed URL and token work, that a second serve on the same folder points at the first, and that
// a signal stops it cleanly with the data kept.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { HttpClient } from './support/httpClient';

const cli = path.join(__dirname, '../../../src/cli/main.js');

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly token: string;
  output(): string;
  /** Resolves once the output matches: stderr and stdout are separate pipes, read in no set order. */
  printed(pattern: RegExp): Promise<void>;
  exited: Promise<number | null>;
}

function runlens(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const childEnv = { ...process.env, ...env };
  if (!('RUNLENS_TOKEN' in env)) delete childEnv.RUNLENS_TOKEN;
  return spawn(process.execPath, [cli, ...args], { env: childEnv });
}

/** Output and exit code of a command that ends by itself. */
async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runlens(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** Starts `runlens serve` and waits for the two export lines it prints when ready. */
async function serve(dir: string, env: Record<string, string> = {}, extra: string[] = []): Promise<Served> {
  const child = runlens(['serve', '--dir', dir, '--port', '0', ...extra], env);
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no export lines in 20 s:\n${out}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /export MLFLOW_TRACKING_URI=(\S+)/.exec(out)?.[1];
      const token = /export MLFLOW_TRACKING_TOKEN=(\S+)/.exec(out)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token });
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code} before it was ready:\n${out}`)));
  });
  const printed = async (pattern: RegExp): Promise<void> => {
    for (const deadline = Date.now() + 10_000; !pattern.test(out); ) {
      if (Date.now() > deadline) assert.fail(`serve did not print ${pattern} in 10 s:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, ...ready, output: () => out, printed, exited };
}

describe('runlens serve', () => {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'runlens-cli-'));
  const children: ChildProcessWithoutNullStreams[] = [];
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(workspace, { recursive: true, force: true });
  });

  test('serves the folder, points a second serve at itself, stops on a signal and keeps the data', async () => {
    const first = await serve(workspace);
    children.push(first.child);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(first.token.length >= 32, 'a random token of 24 bytes, base64url');

    const client = new HttpClient(first.url, first.token);
    const created = await client.api('experiments/create', { name: 'from-the-cli-test' });
    assert.equal(created.status, 200, created.text);
    assert.equal((await client.get('/health', { token: 'wrong-token-of-enough-length' })).status, 401);
    client.close();

    const second = await runToEnd(['serve', '--dir', workspace]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`pid ${first.child.pid} already serves`));
    assert.ok(second.stdout.includes(`export MLFLOW_TRACKING_URI=${first.url}`));
    assert.ok(second.stdout.includes(`export MLFLOW_TRACKING_TOKEN=${first.token}`));
    // Issue 13.3: the first serve verified, the second prints a fresh one-time sign-in address (no API token in it).
    const signIn = /Dashboards: (\S+)/.exec(second.stdout)?.[1] ?? '';
    assert.match(signIn, /\/\?code=[\w-]+$/);
    assert.ok(!signIn.includes(first.token));
    await first.printed(/Dashboards: \S+\/\?code=/);

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.output());
    assert.match(first.output(), /stopped/);
    assert.ok(!existsSync(path.join(workspace, '.runlens', 'owner.json')), 'ownership was released');

    // Started again, with the token from the environment: the experiment is still there.
    const token = 'a-token-chosen-by-the-user-0123456789';
    const again = await serve(workspace, { RUNLENS_TOKEN: token });
    children.push(again.child);
    assert.equal(again.token, token);
    const reader = new HttpClient(again.url, token);
    const found = await reader.get('/api/2.0/mlflow/experiments/get-by-name?experiment_name=from-the-cli-test');
    assert.equal(found.status, 200, found.text);
    reader.close();
    again.child.kill('SIGINT');
    assert.equal(await again.exited, 0, again.output());
  });

  test('--idle-minutes: serves while requests come, then checkpoints, releases the store and exits by itself', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-cli-idle-'));
    try {
      // Long enough that a request delayed by a loaded machine does not leave the server idle between two.
      const idleMs = 4000;
      const served = await serve(dir, {}, ['--idle-minutes', String(idleMs / 60_000)]);
      children.push(served.child);
      const started = Date.now();
      const client = new HttpClient(served.url, served.token);
      // A client that keeps logging (or a window's heartbeat) keeps it alive past the idle time.
      while (Date.now() - started < 2 * idleMs) {
        assert.equal((await client.api('experiments/create', { name: `kept-alive-${Date.now()}` })).status, 200);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      client.close();
      assert.equal(served.child.exitCode, null, 'still serving while requests came');
      assert.equal(await served.exited, 0, served.output());
      assert.ok(Date.now() - started >= 2 * idleMs + idleMs * 0.9, 'it waited the idle time after the last request');
      assert.match(served.output(), /nothing to serve for/);
      assert.ok(!existsSync(path.join(dir, '.runlens', 'owner.json')), 'ownership was released');
      assert.ok(existsSync(path.join(dir, '.runlens', 'runlens.db')), 'the store was checkpointed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a store folder deleted under serve stops it without writing anything: nothing reappears in its place', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-cli-deleted-'));
    try {
      const served = await serve(dir, {}, ['--idle-minutes', '10']);
      children.push(served.child);
      const client = new HttpClient(served.url, served.token);
      assert.equal((await client.api('experiments/create', { name: 'gone-with-the-folder' })).status, 200);
      client.close();
      rmSync(path.join(dir, '.runlens'), { recursive: true, force: true });
      assert.equal(await served.exited, 0, served.output());
      assert.match(served.output(), /was deleted; stopping without writing anything/);
      assert.ok(!existsSync(path.join(dir, '.runlens')), 'no checkpoint or claim release made the folder again');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Issue 13.10: an owner.json whose pid is alive but belongs to something else (reused after a crash).
  function staleOwner(dir: string, owner: { pid: number; port?: number; token?: string }): void {
    mkdirSync(path.join(dir, '.runlens'), { recursive: true });
    const claim = { ...owner, hostname: os.hostname(), startedAt: Date.now() - 60_000, claim: 'c0ffee0123456789abcdef01' };
    writeFileSync(path.join(dir, '.runlens', 'owner.json'), JSON.stringify(claim), { mode: 0o600 });
  }

  test('an owner.json naming a live process that is no RunLens server is taken over', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-stale-owner-'));
    // An unrelated live process, and an unrelated HTTP server on the recorded port that answers 200 to anything.
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(stranger as ChildProcessWithoutNullStreams);
    const other = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      staleOwner(dir, { pid: stranger.pid!, port: (other.address() as AddressInfo).port, token: 'recorded-token-0123456789' });
      const served = await serve(dir);
      children.push(served.child);
      await served.printed(/taking the store over/);
      const owner = JSON.parse(readFileSync(path.join(dir, '.runlens', 'owner.json'), 'utf8')) as { pid: number; token: string };
      assert.equal(owner.pid, served.child.pid);
      assert.equal(owner.token, served.token);
      served.child.kill('SIGTERM');
      assert.equal(await served.exited, 0, served.output());
    } finally {
      stranger.kill('SIGKILL');
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an owner.json naming a live process that never published a server: exit 1, saying how to recover', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-unpublished-owner-'));
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(stranger as ChildProcessWithoutNullStreams);
    try {
      staleOwner(dir, { pid: stranger.pid! });
      const result = await runToEnd(['serve', '--dir', dir]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, new RegExp(`pid ${stranger.pid}`));
      assert.ok(result.stderr.includes(`delete ${path.join(dir, '.runlens', 'owner.json')}`), result.stderr);
    } finally {
      stranger.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses a non-loopback host, a bad port, a short RUNLENS_TOKEN and unknown arguments with usage', async () => {
    for (const args of [
      ['serve', '--host', '0.0.0.0'],
      ['serve', '--port', 'eighty'],
      ['serve', '--port', '70000'],
      ['serve', '--verbose'],
      ['serve', 'extra'],
    ]) {
      const result = await runToEnd([...args, '--dir', workspace]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /Usage: runlens serve/);
    }
    const short = runlens(['serve', '--dir', workspace], { RUNLENS_TOKEN: 'short' });
    let stderr = '';
    short.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.equal(await new Promise((resolve) => short.on('close', resolve)), 2);
    assert.match(stderr, /at least 16 characters/);
  });

  test('help lists the commands; an unknown command says how to get help', async () => {
    const help = await runToEnd(['help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /serve\s+serve the workspace/);
    const serveHelp = await runToEnd(['help', 'serve']);
    assert.match(serveHelp.stdout, /--dir PATH/);
    const unknown = await runToEnd(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /runlens help/);
  });

  test('every command answers --help and -h with its usage, and does nothing else', async () => {
    for (const name of ['serve', 'import', 'export', 'push']) {
      for (const flag of ['--help', '-h']) {
        // Next to options that would otherwise fail (push needs --to): help comes first.
        const answer = await runToEnd([name, '--dir', '/nonexistent', flag]);
        assert.equal(answer.code, 0, `runlens ${name} ${flag}: ${answer.stderr}`);
        assert.match(answer.stdout, new RegExp(`^Usage: runlens ${name} `), `runlens ${name} ${flag}`);
        assert.equal(answer.stderr, '');
      }
    }
    const top = await runToEnd(['-h']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /push\s+push runs/);
    // After `--`, -h is an argument, not a request for help.
    const argument = await runToEnd(['import', '--', '-h']);
    assert.notEqual(argument.code, 0);
    assert.doesNotMatch(argument.stdout, /^Usage:/);
  });
});
