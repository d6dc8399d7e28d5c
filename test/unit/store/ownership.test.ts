import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Ownership, readOwner } from '../../../src/core/store/ownership';
import { tempDir } from './storeTestKit';

const holder = path.join(__dirname, '../../fixtures/store/holdOwnership.js');

interface HolderReport {
  kind: 'acquired' | 'owned';
  pid: number;
  tookOverFrom?: number;
  ownerPid?: number;
  port?: number;
  token?: string;
}

/** Starts a process that claims `dir` and holds the claim until `let go` is called. */
async function startHolder(dir: string): Promise<{ report: HolderReport; child: ChildProcess; letGo(): Promise<void> }> {
  const child = spawn(process.execPath, [holder, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (buffered.includes('\n')) resolve(buffered.slice(0, buffered.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code} before reporting`)));
  });
  return {
    report: JSON.parse(line) as HolderReport,
    child,
    letGo: async () => {
      child.stdin?.end();
      await exited;
    },
  };
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  return child.pid as number;
}

function acquire(dir: string): Ownership {
  const result = Ownership.acquire(dir);
  assert.equal(result.kind, 'acquired');
  return (result as { ownership: Ownership }).ownership;
}

describe('store ownership', () => {
  it('claims a free folder with an owner.json only we can read', (t) => {
    const dir = tempDir(t);
    const ownership = acquire(dir);
    const file = path.join(dir, 'owner.json');
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(onDisk.pid, process.pid);
    assert.equal(onDisk.hostname, os.hostname());
    assert.ok(Math.abs(onDisk.startedAt - Date.now()) < 60_000);
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readOwner(dir), ownership.owner);
    ownership.release();
    assert.equal(existsSync(file), false);
    assert.deepEqual(readdirSync(dir), [], 'no temporary or lock files left behind');
  });

  it('tells a second process which pid owns the folder, and its server once published', async (t) => {
    const dir = tempDir(t);
    const ownership = acquire(dir);
    const before = await startHolder(dir);
    await before.letGo();
    assert.deepEqual(before.report, { kind: 'owned', pid: before.report.pid, ownerPid: process.pid });

    ownership.publish({ port: 43210, token: 'secret-token-for-the-test' });
    assert.equal(readOwner(dir)?.port, 43210);
    if (process.platform !== 'win32') assert.equal(statSync(path.join(dir, 'owner.json')).mode & 0o777, 0o600);
    const after = await startHolder(dir);
    await after.letGo();
    assert.equal(after.report.ownerPid, process.pid);
    assert.equal(after.report.port, 43210);
    assert.equal(after.report.token, 'secret-token-for-the-test');
    ownership.release();
  });

  it('refuses a second claim from the same process', (t) => {
    const dir = tempDir(t);
    const ownership = acquire(dir);
    const second = Ownership.acquire(dir);
    assert.equal(second.kind, 'owned');
    assert.equal(second.kind === 'owned' && second.owner.pid, process.pid);
    ownership.release();
  });

  it('yields to a live process and takes over once it is gone', async (t) => {
    const dir = tempDir(t);
    const other = await startHolder(dir);
    assert.equal(other.report.kind, 'acquired');
    const refused = Ownership.acquire(dir);
    assert.equal(refused.kind === 'owned' && refused.owner.pid, other.report.pid);
    other.child.kill('SIGKILL'); // dies holding the claim
    await other.letGo();
    assert.equal(readOwner(dir)?.pid, other.report.pid, 'the dead owner left its claim');
    const taken = Ownership.acquire(dir);
    assert.equal(taken.kind, 'acquired');
    assert.equal(taken.kind === 'acquired' && taken.tookOverFrom?.pid, other.report.pid);
    assert.equal(readOwner(dir)?.pid, process.pid);
    if (taken.kind === 'acquired') taken.ownership.release();
  });

  it('takes over a claim whose pid is dead, and a claim that is not JSON', (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'owner.json');
    const pid = deadPid();
    writeFileSync(file, JSON.stringify({ pid, hostname: os.hostname(), startedAt: 1, claim: 'stale' }));
    const result = Ownership.acquire(dir);
    assert.equal(result.kind, 'acquired');
    assert.equal(result.kind === 'acquired' && result.tookOverFrom?.pid, pid);
    if (result.kind === 'acquired') result.ownership.release();

    writeFileSync(file, '{ half a fi');
    const fromGarbage = Ownership.acquire(dir);
    assert.equal(fromGarbage.kind, 'acquired');
    if (fromGarbage.kind === 'acquired') fromGarbage.ownership.release();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('leaves alone a claim from another host, which it cannot check', (t) => {
    const dir = tempDir(t);
    const claim = { pid: deadPid(), hostname: `${os.hostname()}-elsewhere`, startedAt: 1, claim: 'remote' };
    writeFileSync(path.join(dir, 'owner.json'), JSON.stringify(claim));
    const result = Ownership.acquire(dir);
    assert.equal(result.kind, 'owned');
  });

  it('lets exactly one of several processes racing for a stale claim win', async (t) => {
    const dir = tempDir(t);
    writeFileSync(
      path.join(dir, 'owner.json'),
      JSON.stringify({ pid: deadPid(), hostname: os.hostname(), startedAt: 1, claim: 'stale' }),
    );
    const holders = await Promise.all([1, 2, 3, 4].map(() => startHolder(dir)));
    try {
      const winners = holders.filter((h) => h.report.kind === 'acquired');
      assert.equal(winners.length, 1, JSON.stringify(holders.map((h) => h.report)));
      for (const loser of holders.filter((h) => h.report.kind === 'owned')) {
        assert.equal(loser.report.ownerPid, winners[0].report.pid);
      }
      assert.equal(readOwner(dir)?.pid, winners[0].report.pid);
    } finally {
      await Promise.all(holders.map((h) => h.letGo()));
    }
    assert.equal(existsSync(path.join(dir, 'owner.json')), false, 'the winner released its claim');
  });

  it('releases only its own claim, and cannot publish once the claim is gone', (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'owner.json');
    const ownership = acquire(dir);
    const usurper = { pid: process.pid, hostname: os.hostname(), startedAt: 2, claim: 'someone else' };
    writeFileSync(file, JSON.stringify(usurper));
    assert.throws(() => ownership.publish({ port: 1, token: 't' }), /no longer names this process/);
    ownership.release();
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), usurper);
  });
});
