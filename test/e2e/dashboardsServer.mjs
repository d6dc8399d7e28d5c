// Helpers for the dashboards' end-to-end tests and bench: `runlens serve` as a child process on a temporary folder,
// seeded through its MLflow REST API over real HTTP, exactly as a training script would log.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../scripts/codeServerPaths.mjs';

const cli = path.join(repoRoot, 'dist', 'cli.js');

/**
 * Starts `node dist/cli.js serve --dir <temp> --port 0` and reads what it prints: the API's URL and token, and the
 * dashboards' sign-in address. Resolves once the server listens.
 */
export async function startRunlensServe({ timeoutMs = 30_000 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-dashboards-'));
  const child = spawn(process.execPath, [cli, 'serve', '--dir', dir, '--port', '0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUNLENS_TOKEN: '' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runlens serve printed no address within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const url = /MLFLOW_TRACKING_URI=(\S+)/.exec(output)?.[1];
      const token = /MLFLOW_TRACKING_TOKEN=(\S+)/.exec(output)?.[1];
      const dashboards = /Dashboards: (\S+)/.exec(output)?.[1];
      if (url && token && dashboards) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve({ url, token, dashboards });
      }
    };
    child.stdout.on('data', check);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`runlens serve exited early (${JSON.stringify(exit)}):\n${output}`));
    });
  });
  return {
    ...started,
    dir,
    output: () => output,
    api: new MlflowApi(started.url, started.token),
    /** A fresh one-time sign-in address (the printed one works once), asked of the server with its token. */
    async signInAddress() {
      const response = await fetch(`${started.url}/api/2.0/runlens/dashboards/sign-in-code`, {
        method: 'POST',
        headers: { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      if (!response.ok) throw new Error(`sign-in code: ${response.status} ${await response.text()}`);
      return new URL((await response.json()).path, started.url).href;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The MLflow REST API as the client calls it (bearer token, JSON bodies), for seeding and reading back. */
export class MlflowApi {
  constructor(url, token) {
    this.url = url;
    this.token = token;
  }

  async call(method, route, body) {
    const response = await fetch(`${this.url}/api/2.0/mlflow/${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }

  post(route, body) {
    return this.call('POST', route, body);
  }

  get(route) {
    return this.call('GET', route);
  }

  async createExperiment(name) {
    return (await this.post('experiments/create', { name })).experiment_id;
  }

  async createRun(experimentId, name, startTime = Date.now()) {
    const { run } = await this.post('runs/create', { experiment_id: experimentId, run_name: name, start_time: startTime, user_id: 'e2e' });
    return run.info.run_id;
  }

  logBatch(runId, { metrics = [], params = [], tags = [] }) {
    return this.post('runs/log-batch', { run_id: runId, metrics, params, tags });
  }

  setTag(runId, key, value) {
    return this.post('runs/set-tag', { run_id: runId, key, value });
  }

  logMetric(runId, key, value, step, timestamp = Date.now()) {
    return this.post('runs/log-metric', { run_id: runId, key, value, step, timestamp });
  }

  endRun(runId, status = 'FINISHED') {
    return this.post('runs/update', { run_id: runId, status, end_time: Date.now() });
  }

  getRun(runId) {
    return this.get(`runs/get?run_id=${encodeURIComponent(runId)}`);
  }

  async uploadArtifact(runId, artifactPath, body, contentType = 'application/octet-stream') {
    const { run } = await this.getRun(runId);
    const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    const response = await fetch(`${this.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${artifactPath}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
      body,
    });
    if (!response.ok) throw new Error(`PUT artifact ${artifactPath}: ${response.status} ${await response.text()}`);
  }
}

/** Metrics for `steps` steps of one key, in log-batch chunks of 1,000 (MLflow's batch limit). */
export async function logSeries(api, runId, key, steps, valueAt) {
  const timestamp = Date.now();
  for (let start = 0; start < steps; start += 1000) {
    const metrics = [];
    for (let step = start; step < Math.min(steps, start + 1000); step++) {
      metrics.push({ key, value: valueAt(step), timestamp: timestamp + step, step });
    }
    await api.logBatch(runId, { metrics });
  }
}
