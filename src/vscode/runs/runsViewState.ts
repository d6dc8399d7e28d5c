import * as vscode from 'vscode';
import type { RunOrder } from '../../core/search/runsQuery';
import { Disposable } from '../disposable';

/** How the runs are ordered: a run order_by field (`attributes.start_time`, ``metrics.`loss` ``) and a direction. */
export interface RunSort extends RunOrder {
  /** How the view's description names it, e.g. "loss". */
  readonly label: string;
}

/** Newest first, as MLflow lists runs. */
export const defaultSort: RunSort = { field: 'attributes.start_time', ascending: false, label: 'start time' };

const keys = {
  filter: 'runlens.runs.filter',
  recentFilters: 'runlens.runs.recentFilters',
  sort: 'runlens.runs.sort',
  showDeleted: 'runlens.runs.showDeleted',
  primaryMetrics: 'runlens.runs.primaryMetrics',
} as const;

const maxRecentFilters = 10;

/**
 * What the person chose for the Runs view, kept per workspace (workspaceState): the filter and the
 * recent ones, the order, whether deleted runs show, and each experiment's primary metric.
 */
export class RunsViewState extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<'filter' | 'sort' | 'showDeleted' | 'primaryMetric'>());
  /** Fires with what changed, after it is stored. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {
    super();
  }

  get filter(): string {
    return this.memento.get<string>(keys.filter, '');
  }

  get recentFilters(): readonly string[] {
    return this.memento.get<string[]>(keys.recentFilters, []);
  }

  /** Sets the filter ('' for none); a non-empty one goes to the front of the recent filters. */
  async setFilter(filter: string): Promise<void> {
    const trimmed = filter.trim();
    await this.memento.update(keys.filter, trimmed);
    if (trimmed !== '') {
      const recent = [trimmed, ...this.recentFilters.filter((f) => f !== trimmed)].slice(0, maxRecentFilters);
      await this.memento.update(keys.recentFilters, recent);
    }
    this.changed.fire('filter');
  }

  get sort(): RunSort {
    return this.memento.get<RunSort>(keys.sort, defaultSort);
  }

  async setSort(sort: RunSort): Promise<void> {
    await this.memento.update(keys.sort, sort);
    this.changed.fire('sort');
  }

  get showDeleted(): boolean {
    return this.memento.get<boolean>(keys.showDeleted, false);
  }

  async setShowDeleted(show: boolean): Promise<void> {
    await this.memento.update(keys.showDeleted, show);
    this.changed.fire('showDeleted');
  }

  /** The metric the person chose for the experiment's run descriptions; undefined: the default. */
  primaryMetric(experimentId: string): string | undefined {
    return this.memento.get<Record<string, string>>(keys.primaryMetrics, {})[experimentId];
  }

  async setPrimaryMetric(experimentId: string, key: string | undefined): Promise<void> {
    const chosen = { ...this.memento.get<Record<string, string>>(keys.primaryMetrics, {}) };
    if (key === undefined) delete chosen[experimentId];
    else chosen[experimentId] = key;
    await this.memento.update(keys.primaryMetrics, chosen);
    this.changed.fire('primaryMetric');
  }
}
