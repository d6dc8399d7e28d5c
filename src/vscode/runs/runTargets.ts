import * as vscode from 'vscode';
import type { Run } from '../../core/entities';
import type { StoreAccess } from '../storeAccess';
import { relativeTime } from './runFormat';
import type { RunNode } from './runsTreeNodes';

/**
 * The runs a command acts on, from what VS Code or a caller passed: the clicked node and the
 * selection (a tree menu passes both), a node, a run id, or a list of ids. Empty when nothing says.
 * `idOf` reads a node's run id (the dashboards also read remote run nodes).
 */
export function runIdsOf(argument: unknown, selection?: unknown, idOf: (value: unknown) => string | undefined = runIdOf): string[] {
  if (Array.isArray(selection)) {
    const selected = selection.map(idOf).filter((id): id is string => id !== undefined);
    const clicked = idOf(argument);
    // A menu on one of several selected runs acts on all of them; on a run outside the selection, on that run.
    if (selected.length > 1 && (clicked === undefined || selected.includes(clicked))) return selected;
  }
  if (Array.isArray(argument)) return argument.map(idOf).filter((id): id is string => id !== undefined);
  const id = idOf(argument);
  return id === undefined ? [] : [id];
}

/** The run a node belongs to (a run, one of its sections or fields), or a run id itself. */
export function runIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || !('kind' in value)) return undefined;
  const node = value as { kind: string; runId?: string; run?: RunNode; parent?: { run?: RunNode } };
  if (node.kind === 'run') return node.runId;
  if (node.kind === 'section' || node.kind === 'artifact') return node.run?.runId;
  if (node.kind === 'field') return node.parent?.run?.runId;
  return undefined;
}

interface RunItem extends vscode.QuickPickItem {
  readonly runId: string;
}

/** How many runs a picker lists: the newest ones, across experiments. */
const pickerSize = 500;

/** Asks for runs with a quick pick of the newest runs; undefined when dismissed. */
export async function pickRuns(
  access: StoreAccess,
  options: { readonly title: string; readonly canPickMany?: boolean; readonly exclude?: readonly string[] },
): Promise<string[] | undefined> {
  const experiments = await access.call('listExperiments', {});
  const names = new Map(experiments.map((e) => [e.experiment_id, e.name] as const));
  const runs = await access.call('newestRuns', { experimentIds: experiments.map((e) => e.experiment_id), limit: pickerSize });
  const now = Date.now();
  const items: RunItem[] = runs
    .filter((run) => !options.exclude?.includes(run.info.run_id))
    .map((run: Run) => ({
      label: run.info.run_name || run.info.run_id,
      description: `${names.get(run.info.experiment_id) ?? run.info.experiment_id} · ${run.info.status.toLowerCase()} · ${relativeTime(run.info.start_time, now)}`,
      detail: run.info.run_id,
      runId: run.info.run_id,
    }));
  if (items.length === 0) throw new Error('there are no runs in this workspace yet');
  if (options.canPickMany) {
    const picked = await vscode.window.showQuickPick(items, { title: options.title, canPickMany: true, matchOnDescription: true, matchOnDetail: true });
    return picked && picked.length > 0 ? picked.map((item) => item.runId) : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: options.title, matchOnDescription: true, matchOnDetail: true });
  return picked && [picked.runId];
}

/** The runs the arguments name, or those the person picks when they name none. */
export async function targetRuns(
  access: StoreAccess,
  argument: unknown,
  selection: unknown,
  options: { readonly title: string; readonly canPickMany?: boolean },
): Promise<string[] | undefined> {
  const ids = runIdsOf(argument, selection);
  return ids.length > 0 ? ids : pickRuns(access, options);
}
