import * as vscode from 'vscode';
import { CommandId, ContextKey } from '../contributions';
import { Disposable } from '../disposable';
import type { LaunchController } from './launchController';

/** `$(loading~spin) RunLens: 2 running` while launched scripts run; a click lists them. */
export class LaunchStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('runlens.launches', vscode.StatusBarAlignment.Left, 10));
  private shownCount = 0;

  constructor(private readonly controller: LaunchController) {
    super();
    this.item.name = 'RunLens: Running Scripts';
    this.item.command = CommandId.ShowRunningLaunches;
    this.register(controller.onDidChange(() => this.update()));
  }

  private update(): void {
    const running = this.controller.running();
    if (running.length !== this.shownCount) {
      void vscode.commands.executeCommand('setContext', ContextKey.LaunchesRunning, running.length > 0);
      this.shownCount = running.length;
    }
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(loading~spin) RunLens: ${running.length} running`;
    // Script paths and run names are the person's and the script's text: appended as text, never as Markdown.
    const tooltip = new vscode.MarkdownString('**Scripts RunLens is running**\n\n');
    for (const launch of running) {
      const run = launch.runName ? ` (run ${launch.runName})` : '';
      const where = launch.logsTo ? ` → ${launch.logsTo}` : '';
      tooltip.appendMarkdown('- ').appendText(`${launch.label}${run}${where}`).appendMarkdown('\n');
    }
    tooltip.appendMarkdown('\nClick to show one or stop it.');
    this.item.tooltip = tooltip;
    this.item.show();
  }
}
