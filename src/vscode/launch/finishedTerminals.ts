import * as vscode from 'vscode';
import { SettingKey, SettingSection } from '../contributions';

/** A finished launch's terminal, which can be closed. */
export interface ClosableTerminal {
  closeTerminal(): void;
}

/**
 * The terminals of launches that have ended, by script. Launching a script again closes the
 * terminals its earlier launches left (their output stays in the runs' `runlens/output.log`), so
 * running the same script all afternoon leaves one terminal, not forty; `runlens.keepFinishedTerminals`
 * keeps them all.
 */
export class FinishedTerminals {
  private readonly byScript = new Map<string, ClosableTerminal[]>();

  /** The launch of `script` ended: its terminal stays open, with the output, until the script runs again. */
  add(script: vscode.Uri, terminal: ClosableTerminal): void {
    const key = script.toString();
    this.byScript.set(key, [...(this.byScript.get(key) ?? []), terminal]);
  }

  /** The script is being launched again: its finished terminals go, unless the setting keeps them. */
  closeFor(script: vscode.Uri): void {
    const key = script.toString();
    const terminals = this.byScript.get(key);
    if (!terminals) return;
    if (vscode.workspace.getConfiguration(SettingSection, script).get<boolean>(SettingKey.KeepFinishedTerminals, false)) return;
    this.byScript.delete(key);
    for (const terminal of terminals) terminal.closeTerminal();
  }
}
