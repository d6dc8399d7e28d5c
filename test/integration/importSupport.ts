import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImportSummary } from '../../src/importers/importMlflowData';
import { CommandId } from '../../src/vscode/contributions';
import type { ImportNotice } from '../../src/vscode/import/importNotices';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import { buildFixture, type FixtureOptions, type MlflowFixture } from '../fixtures/mlflow-data/fixtureSpec';

// What the import suites of the main and the guest window share: their fixtures, the notifications
// the import shows, and pressing Cancel on its progress notification while it writes.

/** Runs the primary action of the newest notification (its first button), as a person clicking it. */
export const acceptNotification = 'notification.acceptPrimaryAction';

/** The generator's data with experiment names of a suite's own, so they never join another suite's. */
export function fixtureNamed(label: string, options: FixtureOptions): MlflowFixture {
  const fixture = buildFixture(options);
  return { ...fixture, experiments: fixture.experiments.map((e) => ({ ...e, name: `${e.name} [${label}]` })) };
}

/** The next notification of this kind the import shows. */
export function nextNotice(api: RunLensApi, kind: ImportNotice['kind'], timeoutMs = 15_000): Promise<ImportNotice> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no ${kind} notification within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = api.imports.onDidNotify((notice) => {
      if (notice.kind !== kind) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(notice);
    });
  });
}

/**
 * Imports `source` and presses Cancel on the progress notification once the import writes (the
 * newest notification is the import's progress: its primary action is its Cancel button); asserts
 * that the import ended as cancelled and said so.
 */
export async function importCancelledWhileWriting(api: RunLensApi, source: string, timeoutMs: number): Promise<void> {
  let cancelPressed: Thenable<unknown> | undefined;
  const writing = api.imports.onDidProgress((update) => {
    if (update.phase !== 'writing' || cancelPressed) return;
    cancelPressed = vscode.commands.executeCommand(acceptNotification);
  });
  try {
    const cancelledShown = nextNotice(api, 'cancelled', timeoutMs);
    const result = await vscode.commands.executeCommand<ImportSummary | undefined>(CommandId.ImportMlflowData, { path: source, artifacts: 'copy' });
    assert.ok(cancelPressed, 'the import reached its write');
    await cancelPressed;
    assert.equal(result, undefined, 'the import ended as cancelled');
    assert.equal((await cancelledShown).message, 'RunLens: import cancelled; nothing was imported.');
  } finally {
    writing.dispose();
  }
}
