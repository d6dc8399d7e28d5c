import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IdleLifetime } from '../../../src/supervisor/idleLifetime';

describe("a server process's idle lifetime", () => {
  test('a running launch or a request keeps it; the idle time with neither ends it, once', () => {
    let now = 0;
    let running = 1;
    let ended = 0;
    const lifetime = new IdleLifetime({ idleMs: 10_000, runningLaunches: () => running, onIdle: () => ended++, checkMs: 1 << 30, now: () => now });
    now = 60_000;
    lifetime.check();
    assert.equal(ended, 0, 'a launched script still runs: it stays');
    running = 0;
    now = 65_000;
    lifetime.check();
    assert.equal(ended, 0, 'the script ended 5 s ago');
    lifetime.touch();
    now = 74_000;
    lifetime.check();
    assert.equal(ended, 0, 'a request 9 s ago');
    now = 75_000;
    lifetime.check();
    assert.equal(ended, 1, '10 s with no request and no launch');
    lifetime.check();
    assert.equal(ended, 1);
  });
});
