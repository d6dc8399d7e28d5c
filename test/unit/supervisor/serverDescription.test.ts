import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OwnerInfo } from '../../../src/core/store/ownership';
import { serverDescription } from '../../../src/vscode/server/serverDescription';

const owner: OwnerInfo = { pid: 4242, hostname: 'box', startedAt: 1_000_000, claim: 'c', port: 5555, token: 'secret-token-value', version: '0.9.0' };

describe('RunLens: Show Server', () => {
  test("a store served by this window's extension host: pid, address, uptime, version, and when it stops", () => {
    const { title, detail } = serverDescription({
      storeDir: '/ws/.runlens',
      owner,
      windowPid: 4242,
      now: 1_000_000 + 125_000,
      launches: [{ label: 'train.py', scriptPid: 777, startedAt: 1_000_000 + 65_000 }],
    });
    assert.match(title, /this window's extension host/);
    assert.match(detail, /Store: \/ws\/\.runlens/);
    assert.match(detail, /Process: 4242 on box/);
    assert.match(detail, /Address: http:\/\/127\.0\.0\.1:5555/);
    assert.match(detail, /Up for: 2 min 05 s/);
    assert.match(detail, /Version: 0\.9\.0/);
    assert.match(detail, /stops when this window closes/);
    assert.match(detail, /Running launches: train\.py \(process 777, for 1 min 00 s\)/);
    assert.doesNotMatch(detail, /secret-token-value/, 'the token is never shown');
  });

  test('a server process outside the window, and no server at all', () => {
    const outside = serverDescription({ storeDir: '/ws/.runlens', owner: { ...owner, idleMinutes: 10 }, windowPid: 1, now: owner.startedAt + 3_600_000, launches: [] });
    assert.match(outside.title, /server process outside this window/);
    for (const line of [/Store: \/ws\/\.runlens/, /Process: 4242 on box/, /Address: http:\/\/127\.0\.0\.1:5555/, /Up for: 1 h/, /stops by itself once, for 10 min/]) {
      assert.match(outside.detail, line);
    }
    assert.match(outside.detail, /Running launches: none/);
    assert.doesNotMatch(outside.detail, /stops when this window closes/);
    const none = serverDescription({ storeDir: '/ws/.runlens', owner: undefined, windowPid: 1, now: 0, launches: [] });
    assert.match(none.title, /No RunLens server/);
  });
});
