import * as vscode from 'vscode';
import { SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import { findLensAnchors } from '../../core/editorLens/codeLensScan';
import { lensCommand, lensKinds, type LaunchLensKind } from './launchLenses';

class LaunchLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly kind: LaunchLensKind,
    readonly scriptUri: string,
  ) {
    super(range);
  }
}

/**
 * "Run tracked" lenses on Python files, where a script starts (`__main__`), above each run it
 * opens, or on the first line of a file that imports mlflow or runlens. Ranges come from a regular
 * expression scan of the text; commands are attached on resolve.
 */
export class LaunchCodeLensProvider extends Disposable implements vscode.CodeLensProvider<LaunchLens> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor() {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SettingSection}.${SettingKey.CodeLensEnabled}`)) this.changed.fire();
      }),
    );
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
  }

  provideCodeLenses(document: vscode.TextDocument): LaunchLens[] {
    const enabled = vscode.workspace.getConfiguration(SettingSection, document.uri).get<boolean>(SettingKey.CodeLensEnabled, true);
    if (!enabled) return [];
    const kinds = lensKinds(vscode.workspace.isTrusted);
    const scriptUri = document.uri.toString();
    return findLensAnchors(document.getText()).flatMap((anchor) => {
      const range = new vscode.Range(anchor.line, 0, anchor.line, 0);
      return kinds.map((kind) => new LaunchLens(range, kind, scriptUri));
    });
  }

  resolveCodeLens(lens: LaunchLens): LaunchLens {
    lens.command = lensCommand(lens.kind, lens.scriptUri);
    return lens;
  }
}
