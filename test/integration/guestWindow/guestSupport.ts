import * as assert from 'node:assert/strict';
import type { RunLensApi } from '../../../src/vscode/runLensExtension';
import type { TrackingEndpoint } from '../../../src/vscode/trackingSession';
import { mlflowGet, mlflowPost, runLensApi } from '../support';

// Where the guest-window suites start: this window did not open the store (`runlens serve` owns it),
// and it reaches the owner's server, which the suites call as an MLflow client would to check what
// the window shows and does.

export interface GuestWindow {
  readonly api: RunLensApi;
  /** The owner's server, as published in owner.json. */
  readonly endpoint: TrackingEndpoint;
  /** A POST to the owner's MLflow REST API, asserting it succeeded. */
  readonly post: (route: string, body: unknown) => Promise<unknown>;
  /** A GET of the owner's MLflow REST API, asserting it succeeded. */
  readonly get: (route: string) => Promise<unknown>;
}

/** Asserts that this window is a guest of another process, and gives the way to its owner's server. */
export async function guestWindow(): Promise<GuestWindow> {
  const api = await runLensApi();
  assert.equal(await api.workspaceStore(), undefined, 'another process owns the store: this window does not open it');
  const endpoint = await api.trackingEndpoint();
  assert.ok(endpoint, "the owner's server is published in owner.json");
  return { api, endpoint, post: mlflowPost(endpoint), get: mlflowGet(endpoint) };
}
