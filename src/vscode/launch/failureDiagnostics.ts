import * as vscode from 'vscode';
import { CommandId } from '../contributions';
import { Disposable } from '../disposable';
import { logError } from '../runLensLog';
import type { TrackingSession } from '../trackingSession';
import type { WorkspaceSessions } from '../workspaceSessions';
import type { LaunchController } from './launchController';
import { mainRun } from '../../core/launches/launchSummary';
import type { LaunchReport } from './runningLaunch';
import { readRunFailure, scriptOfRun, type RunFailure } from './runFailure';

/** After the window has settled: the failures of earlier sessions are no reason to slow its start. */
const startupDelayMs = 3000;
const diagnosticSource = 'RunLens';

/**
 * Failed runs at the failing line: when a launched script ends FAILED, the exception in its output
 * log becomes an error in the Problems view at the innermost frame inside the workspace, with
 * "Open Run" and "Open Output" as quick fixes. It goes when that line is edited or a later run of
 * the same script ends FINISHED. At window start, the files whose latest run failed show theirs.
 */
export class FailureDiagnostics extends Disposable implements vscode.CodeActionProvider {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection(diagnosticSource));
  /** One failure per script: its latest run's. */
  private readonly failures = new Map<string, RunFailure>();

  constructor(
    private readonly sessions: WorkspaceSessions,
    controller: LaunchController,
  ) {
    super();
    this.register(controller.onDidEnd((report) => void this.launchEnded(report).catch((error) => logError('Could not read the failed run', error))));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.edited(event)));
    this.register(
      vscode.languages.registerCodeActionsProvider({ language: 'python', scheme: 'file' }, this, {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
    );
    const timer = setTimeout(() => void this.restore().catch((error) => logError('Could not show the failed runs', error)), startupDelayMs);
    this.register({ dispose: () => clearTimeout(timer) });
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics.flatMap((diagnostic) => {
      if (diagnostic.source !== diagnosticSource) return [];
      const failure = [...this.failures.values()].find(
        (candidate) => candidate.file === document.uri.fsPath && candidate.line === diagnostic.range.start.line && candidate.message === diagnostic.message,
      );
      if (!failure) return [];
      return [
        codeAction('Open Run', CommandId.OpenRunDashboard, failure.runId, diagnostic),
        codeAction('Open Output', CommandId.ShowRunOutput, failure.runId, diagnostic),
      ];
    });
  }

  /** A launch ended: its failure replaces the script's last one; a FINISHED run clears it. */
  private async launchEnded(report: LaunchReport): Promise<void> {
    const { ended } = report;
    const run = mainRun(ended.runs);
    // A remote launch's runs and output log are on its server.
    if (ended.remote || !run || ended.status === 'KILLED') return;
    const session = this.sessions.sessionOf(run.info.run_id);
    const opened = await session.openedSession();
    const root = session.folder?.uri.fsPath;
    // The output log is in the store's artifact folder, on this machine whichever process owns the store.
    if (!opened?.access || root === undefined || this.isDisposed) return;
    const failure = ended.status === 'FAILED' ? await readRunFailure(opened.access, run, root) : undefined;
    const script = failure?.script ?? scriptOfRun(run, root);
    if (script !== undefined) this.failures.delete(script);
    if (failure) this.failures.set(failure.script, failure);
    this.publish();
  }

  /** At window start: each file whose latest run failed, from the stores that exist already. */
  private async restore(): Promise<void> {
    for (const session of this.sessions.all()) {
      if (this.isDisposed || !session.storeExists()) continue;
      await this.restoreFrom(session);
    }
  }

  private async restoreFrom(session: TrackingSession): Promise<void> {
    const root = session.folder?.uri.fsPath;
    const { access } = await session.settledSession();
    if (!access || root === undefined) return;
    for (const { runId } of await access.call('latestFailedRuns', {})) {
      const failure = await readRunFailure(access, await access.call('getRun', { runId }), root);
      // A launch that ended meanwhile knows better.
      if (failure && !this.failures.has(failure.script) && !this.isDisposed) this.failures.set(failure.script, failure);
    }
    this.publish();
  }

  /** An edit on the failing line clears the failure; lines added or removed above move it. */
  private edited(event: vscode.TextDocumentChangeEvent): void {
    const file = event.document.uri.fsPath;
    let changed = false;
    for (const [script, failure] of this.failures) {
      if (failure.file !== file) continue;
      let line = failure.line;
      let cleared = false;
      for (const change of event.contentChanges) {
        const { start, end } = change.range;
        if (start.line <= line && line <= end.line) cleared = true;
        else if (end.line < line) line += change.text.split('\n').length - 1 - (end.line - start.line);
      }
      if (cleared) this.failures.delete(script);
      else if (line !== failure.line) this.failures.set(script, { ...failure, line });
      changed ||= cleared || line !== failure.line;
    }
    if (changed) this.publish();
  }

  private publish(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const failure of this.failures.values()) {
      const range = new vscode.Range(failure.line, failure.range.start, failure.line, failure.range.end);
      const diagnostic = new vscode.Diagnostic(range, failure.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = diagnosticSource;
      byFile.set(failure.file, [...(byFile.get(failure.file) ?? []), diagnostic]);
    }
    this.collection.clear();
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }
}

function codeAction(title: string, command: string, runId: string, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.command = { title, command, arguments: [runId] };
  action.diagnostics = [diagnostic];
  return action;
}
