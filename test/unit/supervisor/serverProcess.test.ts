import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { isProcessAlive } from '../../../src/core/launches/processAlive';
import { answers, ensureServerProcess } from '../../../src/supervisor/serverProcess';

const cliScript = path.join(__dirname, '../../../src/cli/main.js');

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a folder's RunLens server process", () => {
  test('is started detached on first use, reused by the next window, and stops on SIGTERM with its store released', async (t) => {
    const workspaceDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'runlens-server-process-')));
    t.after(() => rmSync(workspaceDir, { recursive: true, force: true }));
    const started = Date.now();
    const first = await ensureServerProcess({ cliScript, workspaceDir, idleMinutes: 10 });
    const startMs = Date.now() - started;
    t.after(() => isProcessAlive(first.owner.pid) && process.kill(first.owner.pid, 'SIGKILL'));
    t.diagnostic(`first server start: ${startMs} ms`);
    assert.equal(first.started, true);
    assert.notEqual(first.owner.pid, process.pid);
    assert.equal(await answers(first.owner), true, 'it serves with the token in owner.json');
    assert.equal(first.owner.idleMinutes, 10, 'owner.json says it stops by itself, so a newer window may restart it');

    const second = await ensureServerProcess({ cliScript, workspaceDir, idleMinutes: 10 });
    assert.equal(second.started, false, 'a second window reattaches from owner.json');
    assert.equal(second.owner.pid, first.owner.pid);
    assert.equal(second.owner.port, first.owner.port);

    process.kill(first.owner.pid, 'SIGTERM');
    await until('the server process to exit', () => !isProcessAlive(first.owner.pid));
    assert.match(readFileSync(path.join(workspaceDir, '.runlens', 'server.log'), 'utf8'), /RunLens: stopped\./);
    const third = await ensureServerProcess({ cliScript, workspaceDir, idleMinutes: 10 });
    t.after(() => isProcessAlive(third.owner.pid) && process.kill(third.owner.pid, 'SIGKILL'));
    assert.equal(third.started, true, 'the next use starts a new one');
    process.kill(third.owner.pid, 'SIGTERM');
    await until('the second server process to exit', () => !isProcessAlive(third.owner.pid));
  });

  test('two windows opening the folder at once share one server process', async (t) => {
    const workspaceDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'runlens-server-process-')));
    t.after(() => rmSync(workspaceDir, { recursive: true, force: true }));
    const both = await Promise.all([1, 2].map(() => ensureServerProcess({ cliScript, workspaceDir, idleMinutes: 10 })));
    t.after(() => both.forEach(({ owner }) => isProcessAlive(owner.pid) && process.kill(owner.pid, 'SIGKILL')));
    assert.equal(both[0].owner.pid, both[1].owner.pid);
    assert.equal(both[0].owner.port, both[1].owner.port);
    assert.equal(both.filter((serving) => serving.started).length, 1, 'one of them started it, the other attached');
    process.kill(both[0].owner.pid, 'SIGTERM');
    await until('the server process to exit', () => !isProcessAlive(both[0].owner.pid));
  });
});
