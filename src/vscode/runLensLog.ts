import * as vscode from 'vscode';

/**
 * The one "RunLens" log (a LogOutputChannel: levels, timestamps, *Developer: Set Log Level*): the
 * embedded server's errors, failed refreshes and background sends, import and push reports. One per
 * extension host, made on first use so that activation creates nothing; *RunLens: Show Log* opens it.
 * A module-level channel because the lowest layers of src/vscode (the Disposable base, the error
 * boundary) log too, and threading a logger through every constructor would buy nothing.
 */
let channel: vscode.LogOutputChannel | undefined;

export function runLensLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('RunLens', { log: true });
  return channel;
}

/** Logs a failure with what was being done; the stack goes along, for a bug report. */
export function logError(what: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  runLensLog().error(`${what}: ${detail}`);
}

/** Closes the channel with the extension (a later use, after a reactivation, makes a new one). */
export function disposeRunLensLog(): void {
  channel?.dispose();
  channel = undefined;
}
