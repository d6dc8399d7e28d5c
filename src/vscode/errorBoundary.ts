import * as vscode from 'vscode';
import { logError } from './runLensLog';

/** The error boundary of a command: log with scope, tell the person in words, never throw into VS Code. */
export async function withErrorMessage<T>(what: string, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logError(`Could not ${what}`, error);
    void vscode.window.showErrorMessage(`RunLens could not ${what}: ${message}`);
    return undefined;
  }
}
