import * as vscode from 'vscode';
import type { ImportUpdate } from '../../importers/importMlflowData';

/** A notification the import feature showed, with its text. */
export interface ImportNotice {
  /** `offer`: the workspace holds MLflow data; `summary`: an import ended; `cancelled`: one was cancelled. */
  readonly kind: 'offer' | 'summary' | 'cancelled';
  readonly message: string;
}

/** What the import feature tells, as events: for tests and diagnostics (RunLensApi.imports). */
export interface ImportApi {
  /** Fires right after a notification is shown. */
  readonly onDidNotify: vscode.Event<ImportNotice>;
  /** Fires with each progress update of a running import, as its notification shows it. */
  readonly onDidProgress: vscode.Event<ImportUpdate>;
}

/** The two emitters behind ImportApi, handed to the import command. */
export class ImportNotices implements ImportApi, vscode.Disposable {
  private readonly notified = new vscode.EventEmitter<ImportNotice>();
  private readonly progressed = new vscode.EventEmitter<ImportUpdate>();
  readonly onDidNotify = this.notified.event;
  readonly onDidProgress = this.progressed.event;

  /** Shows `message` (with `actions`) and tells the listeners; resolves with the action chosen. */
  show(kind: ImportNotice['kind'], message: string, options: { readonly warning?: boolean } = {}, ...actions: string[]): Thenable<string | undefined> {
    const show = options.warning ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = show(message, ...actions);
    this.notified.fire({ kind, message });
    return choice;
  }

  progress(update: ImportUpdate): void {
    this.progressed.fire(update);
  }

  dispose(): void {
    this.notified.dispose();
    this.progressed.dispose();
  }
}
