import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Metric, Run } from '../../src/core/entities';
import { LaunchTag } from '../../src/core/launches/launchTags';
import type { LaunchStarted } from '../../src/vscode/launch/launchCommands';
import type { LaunchReport } from '../../src/vscode/launch/runningLaunch';
import { runLensApi } from './support';

// Shared by the launch suites: git in a repository of the test's own, REST reads
// of what the launches stored, and waiting on launches to end.

/** git with a configuration of its own (no user or system settings), as a person's git would commit. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'RunLens Test',
      GIT_AUTHOR_EMAIL: 'test@runlens.invalid',
      GIT_COMMITTER_NAME: 'RunLens Test',
      GIT_COMMITTER_EMAIL: 'test@runlens.invalid',
    },
  });
}

export function writeFile(file: string, content: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** Runs a launch command and follows the launch to its end (its runs complete, output log included). */
export async function launchAndWait(command: string, ...args: unknown[]): Promise<LaunchReport> {
  const api = await runLensApi();
  const started = await vscode.commands.executeCommand<LaunchStarted | undefined>(command, ...args);
  assert.ok(started?.launchId, `${command} did not start a launch`);
  const ended = api.launches.whenEnded(started.launchId);
  assert.ok(ended, 'the launch is known to the API');
  return ended;
}

/** Reads from the workspace's tracking server the way any MLflow client would. */
export class TrackingReader {
  private constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  static async open(): Promise<TrackingReader> {
    const endpoint = await (await runLensApi()).trackingEndpoint();
    assert.ok(endpoint, 'the tracking server runs');
    return new TrackingReader(endpoint.url, endpoint.token);
  }

  async run(runId: string): Promise<Run> {
    const response = await fetch(`${this.url}/api/2.0/mlflow/runs/get?run_id=${runId}`, { headers: this.headers() });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { run: Run }).run;
  }

  /** The points logged for the run's metric, in the order the server keeps them. */
  async history(runId: string, key: string): Promise<Metric[]> {
    const response = await fetch(`${this.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent(key)}`, { headers: this.headers() });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { metrics?: Metric[] }).metrics ?? [];
  }

  /** An artifact's text, or undefined when the run has no such artifact. */
  async artifact(run: Run, artifactPath: string): Promise<string | undefined> {
    const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    const response = await fetch(`${this.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${artifactPath}`, { headers: this.headers() });
    if (response.status === 404) return undefined;
    assert.equal(response.status, 200, await response.clone().text());
    return response.text();
  }

  /** The id of the run a launch made (its `runlens.launch.id` tag), in any experiment; undefined before it has one. */
  async runOfLaunch(launchId: string): Promise<string | undefined> {
    const post = async (route: string, body: unknown) => {
      const response = await fetch(`${this.url}/api/2.0/mlflow/${route}`, { method: 'POST', headers: { ...this.headers(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 200, await response.clone().text());
      return response.json() as Promise<unknown>;
    };
    const { experiments } = (await post('experiments/search', { max_results: 1000 })) as { experiments: { experiment_id: string }[] };
    const filter = `tags.\`${LaunchTag.LaunchId}\` = '${launchId}'`;
    const { runs = [] } = (await post('runs/search', { experiment_ids: experiments.map((e) => e.experiment_id), filter })) as { runs?: Run[] };
    return runs[0]?.info.run_id;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }
}

export function tagsOf(run: Run): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}
