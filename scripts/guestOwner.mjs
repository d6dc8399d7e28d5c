// The owner process of the integration suite's guest window: a `runlens serve` on the window's folder, started
// before the window opens (so the window finds `.runlens/` owned by another process, as every window will once the
// server runs in its own process), with an experiment and runs logged into it through the MLflow REST API.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServerProcess } from './codeServerLaunch.mjs';
import { node24Binary } from './codeServerPaths.mjs';

/** What the guest window's tests find in its store before they start. */
export const seeded = { experiment: 'served-elsewhere', runs: ['owner-run-1', 'owner-run-2'] };

/** Starts `runlens serve --dir folder`, waits for its owner.json to name its port, and logs the seeded runs. */
export async function startGuestOwner({ extensionDevelopmentPath, folder, log }) {
  const cli = path.join(extensionDevelopmentPath, 'dist', 'cli.js');
  // serve makes its own token (a RUNLENS_TOKEN in the harness's environment would be reused).
  const env = { ...process.env };
  delete env.RUNLENS_TOKEN;
  const owner = startServerProcess(node24Binary, [cli, 'serve', '--dir', folder], {
    env,
    onOutput: (line) => log(`  [runlens serve] ${line}`),
  });
  try {
    const { port, token } = await publishedClaim(path.join(folder, '.runlens', 'owner.json'), owner.exited);
    const api = async (endpoint, body) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/2.0/mlflow/${endpoint}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const { experiment_id } = await api('experiments/create', { name: seeded.experiment });
    for (const [i, run_name] of seeded.runs.entries()) {
      const { run } = await api('runs/create', { experiment_id, run_name, start_time: Date.now() + i });
      await api('runs/log-metric', { run_id: run.info.run_id, key: 'loss', value: 1 / (i + 1), timestamp: Date.now(), step: 0 });
      await api('runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: Date.now() });
    }
    return owner;
  } catch (error) {
    await owner.stop();
    throw error;
  }
}

async function publishedClaim(file, exited) {
  let exit;
  exited.then((result) => (exit = result));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`runlens serve exited before serving (${JSON.stringify(exit)})`);
    try {
      const claim = JSON.parse(readFileSync(file, 'utf8'));
      if (claim.port && claim.token) return claim;
    } catch {
      // not written yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`runlens serve did not publish its server in ${file} within 30 s`);
}
