import * as vscode from 'vscode';
import type { FileRuns } from '../../core/editorLens/fileRuns';
import { CommandId, SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import { findLensAnchors } from '../../core/editorLens/codeLensScan';
import type { FileRunsCache } from './fileRunsCache';
import { summaryText, summaryTooltip } from './fileRunsText';

/** "2 min ago" in the lens is redrawn this often (from the cache: no read). */
const clockTickMs = 60_000;

/**
 * Beside each "Run tracked" lens, a summary of the file's runs ("12 runs · last FINISHED 2 min ago
 * · best mse 0.0104 (lr=0.01)"), which opens the experiment dashboard filtered to them, and "What
 * changed since best?", when a best run is known. The anchors are the launch lenses' (a regular
 * expression scan per edit); the figures come from the FileRunsCache, never from the store directly.
 */
export class RunSummaryLens extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly cache: FileRunsCache) {
    super();
    this.register(cache.onDidChange(() => this.changed.fire()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SettingSection}.${SettingKey.CodeLensEnabled}`)) this.changed.fire();
      }),
    );
    const clock = setInterval(() => this.changed.fire(), clockTickMs);
    this.register({ dispose: () => clearInterval(clock) });
    this.register(vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, this));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration(SettingSection, document.uri).get<boolean>(SettingKey.CodeLensEnabled, true)) return [];
    const anchors = findLensAnchors(document.getText());
    if (anchors.length === 0) return [];
    const runs = await this.cache.runsOf(document.uri);
    if (!runs) return [];
    return anchors.flatMap(({ line }) => lensesAt(new vscode.Range(line, 0, line, 0), runs, document.uri));
  }
}

function lensesAt(range: vscode.Range, runs: FileRuns, uri: vscode.Uri): vscode.CodeLens[] {
  const folderUri = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString();
  const lenses = [
    new vscode.CodeLens(range, {
      title: `$(history) ${summaryText(runs, Date.now())}`,
      tooltip: summaryTooltip(runs),
      command: CommandId.OpenExperimentDashboard,
      arguments: [{ experimentId: runs.experimentId, filter: runs.filter, folderUri }],
    }),
  ];
  if (runs.best) {
    lenses.push(
      new vscode.CodeLens(range, {
        title: 'What changed since best?',
        tooltip: 'Diff this file against its code in the best run (commit plus captured diff)',
        command: CommandId.DiffSinceBestRun,
        arguments: [uri.toString()],
      }),
    );
  }
  return lenses;
}
