import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { isProcessAlive } from '../../../src/core/launches/processAlive';
import type { OwnerInfo } from '../../../src/core/store/ownership';
import { isNewerVersion, serverSkew, stopServerProcess } from '../../../src/supervisor/serverUpgrade';

const owner = (fields: Partial<OwnerInfo>): OwnerInfo => ({ pid: 4242, hostname: 'here', startedAt: 0, claim: 'c', port: 5000, token: 't', ...fields });

describe('a server older than the window', () => {
  test('versions compare number by number, not as text', () => {
    assert.equal(isNewerVersion('0.10.0', '0.9.3'), true);
    assert.equal(isNewerVersion('0.9.3', '0.10.0'), false);
    assert.equal(isNewerVersion('1.2.3', '1.2.3'), false);
    assert.equal(isNewerVersion('1.2', '1.2.0'), false, 'a missing number counts as 0');
    assert.equal(isNewerVersion('1.2.1', '1.2'), true);
    assert.equal(isNewerVersion('2.0.0-beta.1', '1.9.9'), true, 'a pre-release suffix is ignored');
  });

  test('one started on demand is restarted when idle, waited for while scripts log to it; one a person runs is left alone', () => {
    const onDemand = owner({ version: '0.4.0', idleMinutes: 10 });
    assert.deepEqual(serverSkew(onDemand, '0.5.0', 0), { kind: 'restart', serverVersion: '0.4.0' });
    assert.deepEqual(serverSkew(onDemand, '0.5.0', 2), { kind: 'wait', serverVersion: '0.4.0', runningLaunches: 2 });
    assert.deepEqual(serverSkew(owner({ version: '0.4.0' }), '0.5.0', 0), { kind: 'foreign', serverVersion: '0.4.0' });
    for (const [server, window] of [['0.5.0', '0.5.0'], ['0.6.0', '0.5.0'], [undefined, '0.5.0'], ['0.4.0', undefined]] as const) {
      assert.deepEqual(serverSkew(owner({ version: server, idleMinutes: 10 }), window, 0), { kind: 'current' }, `server ${server}, window ${window}`);
    }
  });

  test('stopping a server process waits until it has exited', async () => {
    const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300)); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200)); // its SIGTERM handler is in place
    await stopServerProcess(child.pid!);
    assert.equal(isProcessAlive(child.pid!), false);
  });
});
