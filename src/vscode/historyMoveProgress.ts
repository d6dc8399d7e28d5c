import * as vscode from 'vscode';
import type { HistoryMoveProgress } from '../core/store/series/historyMove';

/**
 * Shows the one-time move of an older store's metric histories out of its database (migration 4)
 * as a notification with a progress bar, from its first slice until it is done.
 */
export function historyMoveNotification(): (progress: HistoryMoveProgress) => void {
  let shown: { report: (fraction: number) => void; done: () => void } | undefined;
  let reported = 0;
  return ({ movedPoints, totalPoints }) => {
    if (!shown) {
      let finish = (): void => undefined;
      let progressOf: vscode.Progress<{ increment?: number; message?: string }> | undefined;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'RunLens: moving metric histories out of the database (once)' },
        (progress) => {
          progressOf = progress;
          return new Promise<void>((resolve) => (finish = resolve));
        },
      );
      shown = {
        report: (fraction) => {
          const percent = Math.floor(fraction * 100);
          progressOf?.report({ increment: percent - reported, message: `${movedPoints.toLocaleString()} of ${totalPoints.toLocaleString()} points` });
          reported = percent;
        },
        done: () => finish(),
      };
    }
    shown.report(totalPoints === 0 ? 1 : movedPoints / totalPoints);
    if (movedPoints >= totalPoints) shown.done();
  };
}
