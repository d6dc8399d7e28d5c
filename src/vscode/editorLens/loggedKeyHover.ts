import * as vscode from 'vscode';
import { directionByName } from '../../core/runs/metricDirection';
import { sparklineSvg, svgDataUri } from '../../core/editorLens/sparkline';
import { CommandId } from '../contributions';
import { Disposable } from '../disposable';
import type { FileRunsCache } from './fileRunsCache';
import { keyHoverMarkdown, runsLogged } from './fileRunsText';
import { findLoggedKeys, loggedKeyAt } from '../../core/editorLens/loggedKeys';

/** The only commands a hover's links may run: run data never chooses a command. */
const hoverCommands = [CommandId.OpenRunDashboard, CommandId.CompareRuns];

/**
 * Hovers on the keys a script logs (`log_param("lr", …)`, `log_metrics({"loss": …})`,
 * `add_argument("--lr")`): the key's values in the file's newest runs, with their primary metric,
 * and a metric's sparkline. The key is found in the text on hover; the runs come from the cache.
 */
export class LoggedKeyHover extends Disposable implements vscode.HoverProvider {
  constructor(private readonly cache: FileRunsCache) {
    super();
    this.register(vscode.languages.registerHoverProvider({ language: 'python', scheme: 'file' }, this));
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const key = loggedKeyAt(findLoggedKeys(document.getText()), position.line, position.character);
    if (!key) return undefined;
    const runs = await this.cache.runsOf(document.uri);
    if (!runs || !runsLogged(runs, key)) return undefined;
    let sparkline: string | undefined;
    const newest = runs.recent.find((run) => run.data.metrics?.some((m) => m.key === key.key));
    if (key.kind === 'metric' && newest) {
      const values = await this.cache.metricValues(document.uri, newest.info.run_id, key.key);
      const svg = sparklineSvg(values, directionByName(key.key));
      sparkline = svg && svgDataUri(svg);
    }
    const markdown = new vscode.MarkdownString(keyHoverMarkdown({ key, runs, sparkline, now: Date.now() }));
    markdown.isTrusted = { enabledCommands: hoverCommands };
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, new vscode.Range(key.line, key.start, key.line, key.end));
  }
}
