import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { isProcessAlive } from '../../../src/core/launches/processAlive';
import { readOwner } from '../../../src/core/store/ownership';
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

  test('killed with SIGKILL, it is started again on the same port, for the scripts still logging to it; with that port taken, on a new one, and the caller learns the old', async (t) => {
    const workspaceDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'runlens-server-process-')));
    t.after(() => rmSync(workspaceDir, { recursive: true, force: true }));
    const options = { cliScript, workspaceDir, idleMinutes: 10 };
    const first = await ensureServerProcess(options);
    t.after(() => isProcessAlive(first.owner.pid) && process.kill(first.owner.pid, 'SIGKILL'));
    assert.equal(first.portBefore, undefined, 'a first start follows no server');
    process.kill(first.owner.pid, 'SIGKILL');
    await until('the killed server to be gone', () => !isProcessAlive(first.owner.pid));

    const second = await ensureServerProcess(options);
    t.after(() => isProcessAlive(second.owner.pid) && process.kill(second.owner.pid, 'SIGKILL'));
    assert.equal(second.started, true);
    assert.notEqual(second.owner.pid, first.owner.pid);
    assert.equal(second.portBefore, first.owner.port);
    assert.equal(second.owner.port, first.owner.port, 'the same port as before the crash');
    assert.notEqual(second.owner.token, first.owner.token);
    assert.equal(await answers(second.owner), true);

    // Another program takes the port while no server runs: the next one listens elsewhere, and says why.
    process.kill(second.owner.pid, 'SIGKILL');
    await until('the second killed server to be gone', () => !isProcessAlive(second.owner.pid));
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(first.owner.port, '127.0.0.1', resolve));
    t.after(() => squatter.close());
    const third = await ensureServerProcess(options);
    t.after(() => isProcessAlive(third.owner.pid) && process.kill(third.owner.pid, 'SIGKILL'));
    assert.equal(third.portBefore, first.owner.port);
    assert.notEqual(third.owner.port, first.owner.port);
    assert.equal(await answers(third.owner), true);
    assert.match(readFileSync(path.join(workspaceDir, '.runlens', 'server.log'), 'utf8'), new RegExp(`port of the server before, ${first.owner.port}, cannot be had again`));
    process.kill(third.owner.pid, 'SIGTERM');
    await until('the third server process to exit', () => !isProcessAlive(third.owner.pid));
    assert.equal(readOwner(path.join(workspaceDir, '.runlens')), undefined, 'it released the store');
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
