import type * as vscode from 'vscode';
import { RunLensExtension, type RunLensApi } from './vscode/runLensExtension';

export function activate(context: vscode.ExtensionContext): RunLensApi {
  const started = performance.now();
  const extension = new RunLensExtension(context);
  context.subscriptions.push(extension);
  return extension.api(performance.now() - started);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
