import path from 'node:path';
import * as vscode from 'vscode';
import { changedLines } from '../../core/editorLens/changedLines';
import { SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';
import { logError } from '../runLensLog';
import type { RunSourceDocuments } from '../runs/runSourceDocuments';
import type { BestRunDiffDeps } from './bestRunDiff';
import { bestRunOf } from './bestRunDiff';

/** Edits are compared this long after the last keystroke: the comparison is text only, no store read. */
const typingPauseMs = 300;

/** A thin bar, as the SCM gutter draws changed lines; an <img> in the gutter takes no theme colour. */
const barIcon = vscode.Uri.parse(
  `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="16"><rect x="1" width="2" height="16" fill="#e8912d"/></svg>').toString('base64')}`,
);

/**
 * With `runlens.editor.bestRunGutter` on, marks the lines of the visible Python editors that
 * differ from the file's code in its best run. The best run's text is read once (git, then kept by
 * RunSourceDocuments); typing only re-compares text, after a pause.
 */
export class BestRunGutter extends Disposable {
  private readonly decoration = this.register(
    vscode.window.createTextEditorDecorationType({
      gutterIconPath: barIcon,
      gutterIconSize: 'contain',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.modifiedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  );
  private timer: NodeJS.Timeout | undefined;
  private readonly unavailable = new Set<string>();

  constructor(
    private readonly deps: Pick<BestRunDiffDeps, 'sessions' | 'cache'> & { readonly sources: RunSourceDocuments },
  ) {
    super();
    const soon = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.update(), typingPauseMs);
    };
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.register(vscode.window.onDidChangeVisibleTextEditors(soon));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => event.document.languageId === 'python' && soon()));
    this.register(deps.cache.onDidChange(soon));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SettingSection}.${SettingKey.BestRunGutter}`)) soon();
      }),
    );
    soon();
  }

  /** Marks the lines of every visible Python editor (or clears them with the setting off). */
  async update(): Promise<void> {
    for (const editor of vscode.window.visibleTextEditors) {
      const { document } = editor;
      if (document.languageId !== 'python' || document.uri.scheme !== 'file') continue;
      const on = vscode.workspace.getConfiguration(SettingSection, document.uri).get<boolean>(SettingKey.BestRunGutter, false);
      editor.setDecorations(this.decoration, on ? await this.changedRanges(document) : []);
    }
  }

  private async changedRanges(document: vscode.TextDocument): Promise<vscode.Range[]> {
    if (!(await this.deps.cache.runsOf(document.uri))?.best) return [];
    const { folder, best } = await bestRunOf(this.deps, document.uri);
    const relative = path.relative(folder.uri.fsPath, document.uri.fsPath).split(path.sep).join('/');
    const key = `${best.info.run_id}/${relative}`;
    // A run whose code cannot be had (no commit, no repository) is said once, not at every pause in typing.
    if (this.unavailable.has(key)) return [];
    try {
      const before = await vscode.workspace.openTextDocument(await this.deps.sources.load(best.info.run_id, relative));
      return changedLines(before.getText(), document.getText()).map((line) => new vscode.Range(line, 0, line, 0));
    } catch (error) {
      this.unavailable.add(key);
      logError('The best-run gutter cannot compare this file with its best run', error);
      return [];
    }
  }
}
