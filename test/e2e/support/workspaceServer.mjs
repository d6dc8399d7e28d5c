// The workspace's own tracking server, found the way any MLflow process finds it: .runlens/owner.json, once the
// window has opened (or made) the store. The e2e tests read and write runs through it over real HTTP.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Calls `check` until it returns something other than undefined or false, and returns that; fails after `timeoutMs`. */
export async function waitUntil(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined && found !== false) return found;
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The server named in `<workspace>/.runlens/owner.json`, with `post(route, body)` and `get(route, query)` on its MLflow API. */
export async function workspaceServer(workspace, timeoutMs = 60_000) {
  const ownerFile = path.join(workspace, '.runlens', 'owner.json');
  const owner = await waitUntil(
    'owner.json names the server',
    () => {
      const found = existsSync(ownerFile) ? JSON.parse(readFileSync(ownerFile, 'utf8')) : undefined;
      return found?.port && found?.token ? found : undefined;
    },
    timeoutMs,
  );
  const call = async (route, init) => {
    const response = await fetch(`http://127.0.0.1:${owner.port}/api/2.0/mlflow/${route}`, {
      ...init,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
    });
    const text = await response.text();
    assert.equal(response.status, 200, `${route}: ${text}`);
    return JSON.parse(text);
  };
  return {
    post: (route, body) => call(route, { method: 'POST', body: JSON.stringify(body) }),
    get: (route, query) => call(`${route}?${new URLSearchParams(query)}`, { method: 'GET' }),
    /** The runs of the named experiment (none while it does not exist), newest first. */
    async runsOf(experimentName) {
      const { experiments = [] } = await call('experiments/search', { method: 'POST', body: JSON.stringify({ filter: `name = '${experimentName}'`, max_results: 1 }) });
      if (experiments.length === 0) return [];
      const { runs = [] } = await call('runs/search', { method: 'POST', body: JSON.stringify({ experiment_ids: [experiments[0].experiment_id], max_results: 1000 }) });
      return runs;
    },
  };
}
