import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExpiringCache } from '../../../src/remote/browse/expiringCache';

describe('expiring LRU cache', () => {
  const counting = () => {
    const loads: string[] = [];
    return { loads, load: (key: string) => () => (loads.push(key), Promise.resolve(key.toUpperCase())) };
  };

  test('evicts the least recently used entry beyond its size', async () => {
    const cache = new ExpiringCache<string>({ maxEntries: 2, ttlMs: 1000 }, () => 0);
    const { loads, load } = counting();
    await cache.getOrLoad('a', load('a'));
    await cache.getOrLoad('b', load('b'));
    assert.equal(await cache.getOrLoad('a', load('a')), 'A'); // a hit: b is now the oldest
    await cache.getOrLoad('c', load('c'));
    await cache.getOrLoad('a', load('a'));
    assert.deepEqual(loads, ['a', 'b', 'c']);
    await cache.getOrLoad('b', load('b'));
    assert.deepEqual(loads, ['a', 'b', 'c', 'b']);
    assert.equal(cache.size, 2);
  });

  test('loads again once an entry expires', async () => {
    let now = 0;
    const cache = new ExpiringCache<string>({ maxEntries: 10, ttlMs: 1000 }, () => now);
    const { loads, load } = counting();
    await cache.getOrLoad('a', load('a'));
    now = 999;
    await cache.getOrLoad('a', load('a'));
    now = 1000;
    await cache.getOrLoad('a', load('a'));
    assert.deepEqual(loads, ['a', 'a']);
  });

  test('shares one load between concurrent callers and forgets a failure', async () => {
    const cache = new ExpiringCache<string>({ maxEntries: 10, ttlMs: 1000 });
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error('down'));
    };
    await Promise.all([assert.rejects(cache.getOrLoad('a', failing)), assert.rejects(cache.getOrLoad('a', failing))]);
    assert.equal(calls, 1);
    assert.equal(await cache.getOrLoad('a', () => Promise.resolve('up')), 'up');
  });
});
