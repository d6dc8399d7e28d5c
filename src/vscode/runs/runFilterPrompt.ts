import * as vscode from 'vscode';
import { validateRunFilter } from '../../core/search/filterValidation';

const examples = ['metrics.loss < 0.5', "params.lr = '0.01' AND status = 'FINISHED'", "status = 'FAILED' OR status = 'KILLED'", "tags.team = 'vision'"];

interface FilterItem extends vscode.QuickPickItem {
  readonly filter: string;
  readonly typed?: boolean;
}

/** Why a filter cannot be used, in a sentence that points at the fault; undefined when it can. */
export function filterProblem(filter: string): string | undefined {
  const validation = validateRunFilter(filter);
  return validation.ok ? undefined : `${validation.message} (at character ${validation.offset + 1})`;
}

/**
 * Asks for a run filter in MLflow's language: prefilled with the current one, offering recent ones
 * and examples, and saying what is wrong as the person types. Resolves with the filter ('' for
 * none), or undefined when dismissed. An invalid filter cannot be accepted.
 */
export function promptForFilter(current: string, recent: readonly string[]): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<FilterItem>();
  pick.title = 'Filter Runs';
  pick.placeholder = "MLflow filter, e.g. metrics.loss < 0.5 AND params.lr = '0.01' (empty: all runs)";
  pick.value = current;
  pick.matchOnDescription = true;
  const offered: FilterItem[] = [
    ...recent.map((filter) => ({ label: filter, description: 'recent', filter })),
    ...examples.filter((e) => !recent.includes(e)).map((filter) => ({ label: filter, description: 'example', filter })),
  ];

  const update = () => {
    const value = pick.value.trim();
    const problem = filterProblem(value);
    const typed: FilterItem = {
      label: value === '' ? 'Show all runs' : value,
      description: problem ? undefined : value === '' ? 'clear the filter' : 'apply',
      detail: problem ? `$(error) ${problem}` : undefined,
      filter: value,
      typed: true,
      alwaysShow: true,
    };
    pick.title = problem ? `Filter Runs: ${problem}` : 'Filter Runs';
    pick.items = [typed, ...offered.filter((item) => item.filter !== value)];
    pick.activeItems = [pick.items[0]];
  };
  update();

  return new Promise((resolve) => {
    let result: string | undefined;
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => {
      const item = pick.activeItems[0] ?? pick.items[0];
      if (!item) return;
      if (item.typed && filterProblem(item.filter) !== undefined) return; // the title already says why
      result = item.filter;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
}
