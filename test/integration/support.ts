import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import type { TrackingEndpoint } from '../../src/vscode/trackingSession';
import type { RunsTreeNode } from '../../src/vscode/runs/runsTreeNodes';

// Shared by every integration suite: the activated extension's API, the workspace folder, the Runs
// view's children, and waiting on something the extension does in the background.

export async function runLensApi(): Promise<RunLensApi> {
  const extension = vscode.extensions.getExtension<RunLensApi>('runlens.runlens');
  assert.ok(extension, 'the RunLens extension is installed');
  return extension.activate();
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with a workspace folder open');
  return folder.uri.fsPath;
}

export async function children(api: RunLensApi, node?: RunsTreeNode): Promise<RunsTreeNode[]> {
  return (await api.runsTree.getChildren(node)) ?? [];
}

/** Polls `probe` until it gives something other than undefined or false. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** POSTs to a tracking server's MLflow REST API as an MLflow client does, asserting the call succeeded. */
export function mlflowPost(endpoint: TrackingEndpoint): (route: string, body: unknown) => Promise<unknown> {
  return async (route, body) => {
    const response = await fetch(`${endpoint.url}/api/2.0/mlflow/${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200, `${route}: ${await response.clone().text()}`);
    return (await response.json()) as unknown;
  };
}

/** GETs from a tracking server's MLflow REST API as an MLflow client does, asserting the call succeeded. */
export function mlflowGet(endpoint: TrackingEndpoint): (route: string) => Promise<unknown> {
  return async (route) => {
    const response = await fetch(`${endpoint.url}/api/2.0/mlflow/${route}`, { headers: { authorization: `Bearer ${endpoint.token}` } });
    assert.equal(response.status, 200, `${route}: ${await response.clone().text()}`);
    return (await response.json()) as unknown;
  };
}
