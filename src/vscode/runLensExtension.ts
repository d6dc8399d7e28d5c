import * as vscode from 'vscode';
import { CommandId } from './contributions';
import { Disposable } from './disposable';

/** What `activate` returns: for tests and for other extensions. */
export interface RunLensApi {
  /** How long `activate` took, by the extension's own measurement, in milliseconds. */
  readonly activationMs: number;
}

/** The composition root: builds every feature once and owns their lifetimes. */
export class RunLensExtension extends Disposable {
  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.register(
      vscode.commands.registerCommand(CommandId.ShowReadme, () =>
        vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(this.context.extensionUri, 'README.md')),
      ),
    );
  }

  api(activationMs: number): RunLensApi {
    return { activationMs };
  }
}
