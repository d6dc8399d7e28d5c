import * as vscode from 'vscode';
import type { ImportPhase, ImportUpdate } from '../../importers/importMlflowData';

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/** How much of the bar each phase fills, after where the time goes in an import of 500,000 points. */
const phaseShare: Readonly<Record<ImportPhase, { readonly start: number; readonly size: number }>> = {
  reading: { start: 0, size: 35 },
  copying: { start: 35, size: 15 },
  writing: { start: 50, size: 50 },
};

/**
 * Turns an import's phase updates (done of total, per phase) into the increments a VS Code
 * progress notification takes, so the bar only moves forward.
 */
export function importProgressReporter(progress: Progress) {
  let shown = 0;
  return (update: ImportUpdate): void => {
    const share = phaseShare[update.phase];
    const percent = share.start + (update.total > 0 ? (share.size * update.done) / update.total : 0);
    const increment = Math.max(0, percent - shown);
    shown += increment;
    progress.report({ increment, message: `${update.phase} ${update.done}/${update.total}: ${update.message}` });
  };
}

/** The same for a push, whose units are runs. */
export function pushProgressReporter(progress: Progress) {
  let shown = 0;
  return (update: { readonly done: number; readonly total: number; readonly message: string }): void => {
    const percent = update.total > 0 ? (100 * update.done) / update.total : 0;
    const increment = Math.max(0, percent - shown);
    shown += increment;
    progress.report({ increment, message: update.message });
  };
}

/**
 * Runs `work` in a progress notification with a Cancel button, handing it the cancellation as an
 * AbortSignal (what core code takes). Resolves with undefined when the person cancelled.
 */
export async function withCancellableProgress<T>(title: string, work: (signal: AbortSignal, progress: Progress) => Promise<T>): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const listener = token.onCancellationRequested(() => controller.abort());
    try {
      return await work(controller.signal, progress);
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      throw error;
    } finally {
      listener.dispose();
    }
  });
}
