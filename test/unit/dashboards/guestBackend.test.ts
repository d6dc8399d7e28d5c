// Issue 14: a guest window's dashboards. The owner process answers for the store's runs; the remote servers' runs,
// whose addresses and credentials only the window has, the window's own service answers. Which one answers a
// request is decided by the runs and experiments it names; a comparison naming both asks both
// (test/unit/remote/guestComparison.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DashboardError } from '../../../src/dashboards/dashboardError';
import { remoteAddress } from '../../../src/protocol/runAddress';
import { guestBackend, type DashboardBackend } from '../../../src/vscode/dashboards/dashboardBackend';

/** A backend that answers with its own name, and counts what it was asked. */
function answering(name: string): DashboardBackend & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    handle: async (method) => {
      asked.push(method);
      return name as never;
    },
    changeTracker: () => ({ poll: async () => undefined }),
  };
}

describe("a guest window's dashboard backend", () => {
  const remote = (id: string) => remoteAddress('http://127.0.0.1:5000', id);

  test('the owner answers for store runs, experiments and traces; the window for remote ones', async () => {
    const owner = answering('owner');
    const window = answering('window');
    const backend = guestBackend(owner, window);
    const cases: [string, unknown, string][] = [
      ['run/get', { runId: 'a1b2' }, 'owner'],
      ['run/get', { runId: remote('r1') }, 'window'],
      ['experiment/table', { experimentId: '3' }, 'owner'],
      ['experiment/table', { experimentId: remote('7') }, 'window'],
      ['run/metricSeries', { runIds: [remote('r1'), remote('r2')], key: 'loss' }, 'window'],
      ['compare/get', { runIds: ['a1b2', 'c3d4'] }, 'owner'],
      ['artifact/preview', { runId: remote('r1'), path: 'runlens/output.log' }, 'window'],
      ['trace/get', { traceId: 'tr-1' }, 'owner'],
    ];
    for (const [method, params, expected] of cases) {
      assert.equal(await backend.handle(method as never, params), expected, `${method} ${JSON.stringify(params)}`);
    }
    assert.equal(owner.asked.length + window.asked.length, cases.length, 'each request is asked of one backend only');
  });

  test('a request for one run naming a store run and a remote one is refused, and asks neither', async () => {
    const owner = answering('owner');
    const window = answering('window');
    await assert.rejects(guestBackend(owner, window).handle('artifact/preview', { runId: 'a1b2', runIds: [remote('r1')], path: 'x' }), (error: DashboardError) => {
      assert.ok(error instanceof DashboardError);
      assert.equal(error.code, 'invalidParams');
      return true;
    });
    assert.deepEqual([owner.asked, window.asked], [[], []]);
  });
});
