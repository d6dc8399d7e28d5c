import * as vscode from 'vscode';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { storeAccess } from './ownedStore';
import { filterProblem, promptForFilter } from './runFilterPrompt';
import { sortChoices, type SortChoice } from './runSortChoices';
import type { RunsFolders } from './runsFolders';
import type { RunsTreeProvider } from './runsTreeProvider';
import type { RunsViewState } from './runsViewState';

/** The experiment a command is about: its node (from a menu) or its id. */
function experimentIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string') return argument;
  if (typeof argument === 'object' && argument !== null && 'experimentId' in argument) {
    const id = (argument as { experimentId: unknown }).experimentId;
    return typeof id === 'string' ? id : undefined;
  }
  if (typeof argument === 'object' && argument !== null && (argument as { kind?: string }).kind === 'loadMore') {
    return (argument as { parent: { experimentId: string } }).parent.experimentId;
  }
  return undefined;
}

/**
 * The view's own commands: refresh, filter, sort, the deleted-runs toggle, paging and the primary
 * metric. Each takes its value as an optional argument, and asks only when it is absent.
 */
export function registerRunsViewCommands(state: RunsViewState, folders: RunsFolders, provider: RunsTreeProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.RefreshRuns, () => provider.refresh()),

    vscode.commands.registerCommand(CommandId.FilterRuns, (filter?: unknown) =>
      withErrorMessage('filter the runs', async () => {
        const chosen = typeof filter === 'string' ? filter : await promptForFilter(state.filter, state.recentFilters);
        if (chosen === undefined) return false;
        const problem = filterProblem(chosen);
        if (problem) {
          void vscode.window.showErrorMessage(`RunLens: the filter cannot be used: ${problem}.`);
          return false;
        }
        await state.setFilter(chosen);
        return true;
      }),
    ),

    vscode.commands.registerCommand(CommandId.ClearRunFilter, () => state.setFilter('')),

    vscode.commands.registerCommand(CommandId.SortRuns, (field?: unknown, ascending?: unknown) =>
      withErrorMessage('sort the runs', async () => {
        const choices = sortChoices(folders.all().flatMap((model) => [...model.loadedRuns()].map((node) => node.run)));
        let choice: SortChoice | undefined;
        if (typeof field === 'string') {
          choice = choices.find((c) => c.field === field) ?? { field, label: field.replace(/^\w+\./, '').replace(/`/g, ''), source: 'attribute', ascendingFirst: true };
        } else {
          choice = await vscode.window.showQuickPick(
            choices.map((c) => ({ ...c, description: c.field === state.sort.field ? 'current' : c.source === 'attribute' ? undefined : c.source })),
            { title: 'Sort Runs by', matchOnDescription: true },
          );
        }
        if (!choice) return undefined;
        let up = typeof ascending === 'boolean' ? ascending : undefined;
        if (up === undefined) {
          const directions = choice.ascendingFirst
            ? [{ label: 'Ascending', up: true }, { label: 'Descending', up: false }]
            : [{ label: 'Newest first', up: false }, { label: 'Oldest first', up: true }];
          up = (await vscode.window.showQuickPick(directions, { title: `Sort Runs by ${choice.label}` }))?.up;
        }
        if (up === undefined) return undefined;
        await state.setSort({ field: choice.field, ascending: up, label: choice.label });
        return state.sort;
      }),
    ),

    vscode.commands.registerCommand(CommandId.ShowDeletedRuns, () => state.setShowDeleted(true)),
    vscode.commands.registerCommand(CommandId.HideDeletedRuns, () => state.setShowDeleted(false)),

    vscode.commands.registerCommand(CommandId.LoadMoreRuns, (experiment?: unknown) => {
      const experimentId = experimentIdOf(experiment);
      if (experimentId !== undefined) folders.modelFor(experiment).loadMore(experimentId);
    }),

    vscode.commands.registerCommand(CommandId.ChoosePrimaryMetric, (experiment?: unknown, key?: unknown) =>
      withErrorMessage('choose the primary metric', async () => {
        const model = folders.modelFor(experiment);
        const access = await storeAccess(model.session);
        let experimentId = experimentIdOf(experiment);
        if (experimentId === undefined) {
          const experiments = await access.call('listExperiments', {});
          experimentId = (
            await vscode.window.showQuickPick(
              experiments.map((e) => ({ label: e.name, experimentId: e.experiment_id })),
              { title: 'Choose the primary metric of which experiment?' },
            )
          )?.experimentId;
        }
        if (experimentId === undefined) return undefined;
        if (typeof key === 'string' || key === null) {
          await state.setPrimaryMetric(experimentId, key ?? undefined);
          return key;
        }
        const keys = new Set<string>();
        for (const run of (await access.call('runPage', { experimentId, query: model.query, limit: 200 })).runs) for (const m of run.data.metrics ?? []) keys.add(m.key);
        const current = model.primaryMetric(experimentId);
        const picked = await vscode.window.showQuickPick(
          [
            { label: 'The metric logged first', description: 'default', key: undefined as string | undefined },
            ...[...keys].sort().map((k) => ({ label: k, description: k === current ? 'shown now' : undefined, key: k as string | undefined })),
          ],
          { title: 'Show which metric beside each run?' },
        );
        if (!picked) return undefined;
        await state.setPrimaryMetric(experimentId, picked.key);
        return picked.key ?? null;
      }),
    ),
  ];
}
