import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId } from '../../src/vscode/contributions';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import type { RunNode, RunsTreeNode } from '../../src/vscode/runs/runsTreeNodes';
import { children, waitFor } from './support';

// Shared by the Runs and Models view suites: the tracking server over real HTTP, and finding
// nodes in the tree. Data is seeded the way a script logs it, through the REST API.

export interface Tracking {
  post<T = Record<string, unknown>>(route: string, body: unknown): Promise<T>;
  get<T = Record<string, unknown>>(route: string, query: Record<string, string>): Promise<T>;
  /** Uploads an artifact of a run, as the MLflow client does through the artifact service. */
  upload(runId: string, experimentId: string, artifactPath: string, content: string | Buffer): Promise<void>;
  createExperiment(prefix: string): Promise<string>;
  createRun(experimentId: string, fields?: { name?: string; startTime?: number; tags?: Record<string, string> }): Promise<string>;
}

export async function tracking(api: RunLensApi): Promise<Tracking> {
  const endpoint = await api.trackingEndpoint();
  assert.ok(endpoint, 'the tracking server is running');
  const headers = { authorization: `Bearer ${endpoint.token}` };
  const post = async <T>(route: string, body: unknown): Promise<T> => {
    const response = await fetch(`${endpoint.url}/api/2.0/mlflow/${route}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    assert.equal(response.status, 200, `${route}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    post,
    async get<T>(route: string, query: Record<string, string>): Promise<T> {
      const response = await fetch(`${endpoint.url}/api/2.0/mlflow/${route}?${new URLSearchParams(query)}`, { headers });
      const text = await response.text();
      assert.equal(response.status, 200, `${route}: ${text}`);
      return JSON.parse(text) as T;
    },
    async upload(runId, experimentId, artifactPath, content) {
      const response = await fetch(`${endpoint.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${artifactPath}`, {
        method: 'PUT',
        headers,
        body: content,
      });
      assert.equal(response.status, 200, `upload ${artifactPath}: ${await response.text()}`);
    },
    async createExperiment(prefix) {
      const name = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
      return (await post<{ experiment_id: string }>('experiments/create', { name })).experiment_id;
    },
    async createRun(experimentId, fields = {}) {
      const tags = Object.entries(fields.tags ?? {}).map(([key, value]) => ({ key, value }));
      const created = await post<{ run: { info: { run_id: string } } }>('runs/create', {
        experiment_id: experimentId,
        run_name: fields.name,
        start_time: fields.startTime ?? Date.now(),
        tags,
      });
      return created.run.info.run_id;
    },
  };
}

/** The experiment's node in the Runs view, once the view shows it. */
export function experimentNode(api: RunLensApi, experimentId: string): Promise<RunsTreeNode> {
  return waitFor(`experiment ${experimentId} in the Runs view`, async () =>
    (await children(api)).find((n) => n.kind === 'experiment' && n.experimentId === experimentId),
  );
}

export function runNodes(nodes: readonly RunsTreeNode[]): RunNode[] {
  return nodes.filter((n): n is RunNode => n.kind === 'run');
}

/** Puts the view back as a person first sees it: no filter, newest first, deleted runs hidden. */
export async function resetRunsView(): Promise<void> {
  await vscode.commands.executeCommand(CommandId.ClearRunFilter);
  await vscode.commands.executeCommand(CommandId.SortRuns, 'attributes.start_time', false);
  await vscode.commands.executeCommand(CommandId.HideDeletedRuns);
}

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}
