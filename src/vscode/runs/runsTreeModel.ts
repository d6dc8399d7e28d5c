import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { StoreAccess } from '../storeAccess';
import { storeAccess } from './ownedStore';
import { guestShowing, noStoreShowing, unreadStoreShowing } from '../storeShowing';
import type { TrackingSession } from '../trackingSession';
import { ChangeThrottle } from './changeThrottle';
import { artifactNodes } from './runArtifactNodes';
import { metricFields, paramFields, sectionsOf, sourceFields, tagFields } from './runSections';
import type { ExperimentSummary, RunsQuery } from '../../core/search/runsQuery';
import { ExperimentNode, type RunNode, type MessageNode, type RunsTreeNode, type SectionNode } from './runsTreeNodes';
import type { RunsViewState } from './runsViewState';
import { isSystemTag } from '../../core/runs/runTagValues';
import { TraceGroups } from '../traces/traceGroups';
import { LoadedRunPages } from './loadedRunPages';
import { StoreChanges } from '../../core/store/storeChange';
import { planRunsRefresh } from './runsRefreshPlan';

/**
 * Coalescing: a change shows 150 ms after it, and however fast a script logs, the tree is refreshed
 * at most four times a second (issue 5: within 500 ms, without rebuilding the tree per write).
 */
const refreshTiming = { delayMs: 150, minIntervalMs: 250 };

/**
 * The Runs view's state and data: reads the store, keeps one node object per experiment, run and
 * section (updated in place), and after writes tells exactly which of the loaded nodes changed.
 *
 * The store says what its writes changed (runs, experiments' run lists, traces...); each coalesced
 * tick reads only what that calls for among what is loaded (runsRefreshPlan.ts): the changed runs
 * by id, compared by fingerprint, and a whole page (order, nesting) only when its runs came, went or
 * may have moved. When the changes do not say, it compares every loaded page.
 */
export class RunsTreeModel extends Disposable {
  private readonly experiments = new Map<string, ExperimentNode>();
  /** The run nodes, and what is loaded of each experiment: kept current by `poll`. */
  private readonly loaded = new LoadedRunPages();
  private readonly defaultMetrics = new Map<string, string>();
  /** What the root last showed (rootsShowing); undefined until the root is read. */
  private shownRoots: string | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<RunsTreeNode[] | undefined>());
  /** The nodes whose item or children changed; undefined: everything. */
  readonly onDidChange = this.changed.event;
  private readonly throttle = this.register(new ChangeThrottle(() => this.poll(), refreshTiming));
  /** What the writes since the last tick changed: each tick takes it whole. */
  private pending = new StoreChanges();
  /** The trace groups shown (under experiments and runs), kept current by `poll`. */
  private readonly traces = new TraceGroups();

  constructor(
    readonly session: TrackingSession,
    private readonly state: RunsViewState,
    private readonly pageSize: () => number,
  ) {
    super();
    this.register(
      session.onDidChange((changes) => {
        this.pending.merge(changes);
        this.throttle.schedule();
      }),
    );
    this.register(
      state.onDidChange((what) => {
        if (what === 'primaryMetric') this.redrawRuns();
        else this.reload();
      }),
    );
  }

  /** The workspace folder whose store this model reads ('' without a folder). */
  get folderUri(): string {
    return this.session.folder?.uri.toString() ?? '';
  }

  get query(): RunsQuery {
    return { filter: this.state.filter, sort: this.state.sort, showDeleted: this.state.showDeleted };
  }

  /** The trace filter (MLflow's trace filter language), '' for none; applies to every Traces group. */
  get traceFilter(): string {
    return this.traces.filter;
  }

  setTraceFilter(filter: string): void {
    this.traces.filter = filter;
    const groups = this.traces.shownGroups();
    if (groups.length > 0) this.changed.fire(groups);
  }

  /** Forgets every loaded page and redraws the tree from the store. */
  reload(): void {
    this.loaded.pages.clear();
    this.traces.clear();
    // VS Code drops every element on a full refresh, so the nodes can go too.
    this.loaded.runs.clear();
    this.shownRoots = undefined;
    this.changed.fire(undefined);
  }

  async children(node?: RunsTreeNode): Promise<RunsTreeNode[]> {
    try {
      if (!node) return await this.roots();
      switch (node.kind) {
        case 'experiment': {
          const access = await this.access();
          const [traces, runs] = await Promise.all([this.traces.groupOf(node, access), this.runsOf(node, access)]);
          return [...traces, ...runs];
        }
        case 'run': {
          const traces = await this.traces.groupOf(node, await this.access());
          return [...sectionsOf(node.run).map((kind) => node.section(kind)), ...traces, ...node.childRuns];
        }
        case 'traces':
          return await this.traces.list(node, await this.access());
        case 'section':
          return await this.sectionChildren(node, await this.access());
        case 'artifact':
          return node.isDir ? await artifactNodes(await this.access(), node.run, node) : [];
        default:
          return [];
      }
    } catch (error) {
      return [errorMessage(node, error, this.folderUri)];
    }
  }

  /** The node's parent within this folder's tree (undefined for the folder's roots). */
  parentOf(node: RunsTreeNode): RunsTreeNode | undefined {
    switch (node.kind) {
      case 'experiment':
      case 'folder':
        return undefined;
      case 'run':
        return node.parent;
      case 'section':
        return node.run;
      default:
        return node.parent;
    }
  }

  /** The experiment's primary metric: the person's choice, else the metric logged first. */
  primaryMetric(experimentId: string): string | undefined {
    return this.state.primaryMetric(experimentId) ?? this.defaultMetrics.get(experimentId);
  }

  /** Redraws the loaded runs' items without reading the store (their descriptions hold times and the primary metric). */
  redrawRuns(): void {
    const runs = [...this.loadedRuns()];
    if (runs.length > 0) this.changed.fire(runs);
  }

  /** Loads the next page of the experiment's runs. */
  loadMore(experimentId: string): void {
    const page = this.loaded.pages.get(experimentId);
    const experiment = this.experiments.get(experimentId);
    if (!page || !experiment) return;
    page.limit += this.pageSize();
    this.changed.fire([experiment]);
  }

  /** The view collapsed the experiment: stop keeping its runs current until it is expanded again. */
  unload(experimentId: string): void {
    this.loaded.pages.delete(experimentId);
  }

  /** Every run node of the loaded pages (for redrawing descriptions, and for pickers). */
  loadedRuns(): Iterable<RunNode> {
    return this.loaded.loadedRuns();
  }

  runNode(runId: string): RunNode | undefined {
    return this.loaded.runs.get(runId);
  }

  experimentNode(experimentId: string): ExperimentNode | undefined {
    return this.experiments.get(experimentId);
  }

  /**
   * Loads pages of the run's experiment until the run is among them and returns its node, for
   * revealing it; undefined when the filter or the deleted-runs toggle hides it.
   */
  async loadRun(runId: string): Promise<RunNode | undefined> {
    await this.roots();
    const access = await this.access();
    const query = this.query;
    const { experimentId, shown } = await access.call('runShown', { runId, query });
    const experiment = this.experiments.get(experimentId);
    if (!experiment || !shown) return undefined;
    let limit = this.loaded.pages.get(experimentId)?.limit ?? this.pageSize();
    for (;;) {
      const { runs, hasMore } = await access.call('runPage', { experimentId, query, limit });
      if (runs.some((r) => r.info.run_id === runId) || !hasMore) break;
      limit += this.pageSize();
    }
    this.loaded.pages.set(experimentId, { limit, structure: '', fingerprints: new Map() });
    await this.runsOf(experiment, access);
    return this.loaded.runs.get(runId);
  }

  private async roots(): Promise<RunsTreeNode[]> {
    if (!this.session.storeExists()) {
      this.shownRoots = noStoreShowing;
      return [];
    }
    const opened = await this.session.session();
    if (opened.kind === 'guest' && !opened.access) {
      this.shownRoots = guestShowing(opened);
      const text = `This workspace's runs are served by another RunLens process (pid ${opened.ownerPid}), which has not published its server yet.`;
      return [{ kind: 'message', id: `guest@${this.folderUri}`, text }];
    }
    const summaries = await (await this.access()).call('experimentsWithRuns', { query: this.query });
    this.shownRoots = experimentsShowing(summaries);
    const nodes = summaries.map((summary) => this.upsertExperiment(summary));
    // The newest experiment opens by itself the first time it shows; VS Code remembers the rest.
    nodes.forEach((node, index) => (node.expandedAtFirst = index === nodes.length - 1));
    return nodes;
  }

  private upsertExperiment(summary: ExperimentSummary): ExperimentNode {
    let node = this.experiments.get(summary.experimentId);
    if (!node) this.experiments.set(summary.experimentId, (node = new ExperimentNode(this.folderUri, summary.experimentId, summary.name, summary.runCount)));
    node.name = summary.name;
    node.runCount = summary.runCount;
    node.matchCount = summary.matchCount;
    return node;
  }

  private async runsOf(experiment: ExperimentNode, access: StoreAccess): Promise<RunsTreeNode[]> {
    const experimentId = experiment.experimentId;
    const query = this.query;
    const limit = this.loaded.pages.get(experimentId)?.limit ?? this.pageSize();
    const [{ runs, hasMore }, first] = await Promise.all([
      access.call('runPage', { experimentId, query, limit }),
      this.defaultMetrics.has(experimentId) ? undefined : access.call('firstLoggedMetric', { experimentId }),
    ]);
    const page = this.loaded.place(experiment, runs);
    this.loaded.pages.set(experimentId, { limit, ...page });
    if (first?.key !== undefined) this.defaultMetrics.set(experimentId, first.key);
    const top: RunsTreeNode[] = runs.map((run) => this.loaded.runs.get(run.info.run_id)).filter((node) => node?.parent === experiment) as RunNode[];
    if (hasMore) top.push({ kind: 'loadMore', id: `${experiment.id}/more`, parent: experiment, loaded: runs.length, pageSize: this.pageSize() });
    if (runs.length === 0) {
      top.push({ kind: 'message', id: `${experiment.id}/empty`, parent: experiment, text: query.filter ? 'No runs match the filter' : 'No runs' });
    }
    return top;
  }

  private async sectionChildren(section: SectionNode, access: StoreAccess): Promise<RunsTreeNode[]> {
    switch (section.section) {
      case 'params':
        return paramFields(section);
      case 'metrics':
        return metricFields(section, new Map(Object.entries(await access.call('metricSummaries', { runId: section.run.runId }))));
      case 'tags': {
        const hasSystemTags = (section.run.run.data.tags ?? []).some((t) => isSystemTag(t.key));
        return [...tagFields(section, false), ...(hasSystemTags ? [section.run.section('systemTags')] : [])];
      }
      case 'systemTags':
        return tagFields(section, true);
      case 'source':
        return sourceFields(section);
      case 'artifacts':
        return artifactNodes(access, section.run, section);
    }
  }

  /** One coalesced tick: what the writes since the last one changed, refreshed; on failure, everything is read next time. */
  private async poll(): Promise<void> {
    const changes = this.pending;
    this.pending = new StoreChanges();
    try {
      await this.refresh(changes);
    } catch (error) {
      this.pending.merge(StoreChanges.everything());
      throw error;
    }
  }

  /** Reads what the changes call for among what is shown, and fires just the nodes that changed. */
  private async refresh(changes: StoreChanges): Promise<void> {
    const unread = await unreadStoreShowing(this.session);
    if (unread !== undefined) {
      if (this.shownRoots !== undefined && unread !== this.shownRoots) this.reload();
      return;
    }
    const access = (await this.session.openedSession())?.access;
    if (!access) return;
    const query = this.query;
    const plan = planRunsRefresh(changes, query, { experimentIds: this.loaded.pages.keys(), isLoaded: (runId) => this.loaded.isLoaded(runId) });
    const changed = new Set<RunsTreeNode>(plan.traces ? await this.traces.changed(access) : []);
    if (plan.summaries) {
      const summaries = await access.call('experimentsWithRuns', { query });
      if (this.rootsChanged(summaries)) return;
      for (const summary of summaries) {
        const node = this.experiments.get(summary.experimentId);
        if (node && (node.name !== summary.name || node.runCount !== summary.runCount || node.matchCount !== summary.matchCount)) changed.add(this.upsertExperiment(summary));
      }
    }
    const pages = new Set(plan.everything ? this.loaded.pages.keys() : plan.pages);
    const touched = new Set(pages);
    if (plan.runIds.length > 0) {
      for (const run of await access.call('runs', { runIds: [...plan.runIds] })) {
        touched.add(run.info.experiment_id);
        this.loaded.compareRun(run, plan.runsMove, pages, changed);
      }
    }
    await this.comparePages([...pages], query, access, changed);
    await this.findDefaultMetrics(touched, access, changed);
    if (changed.size > 0) this.changed.fire([...changed]);
  }

  /** An experiment came or went (or the store appeared): the whole tree is redrawn. The loaded pages stay loaded. */
  private rootsChanged(summaries: readonly ExperimentSummary[]): boolean {
    const showing = experimentsShowing(summaries);
    if (this.shownRoots === undefined || showing === this.shownRoots) return false;
    this.shownRoots = showing;
    for (const summary of summaries) this.upsertExperiment(summary);
    const shown = new Set(summaries.map((summary) => summary.experimentId));
    for (const experimentId of [...this.loaded.pages.keys()]) if (!shown.has(experimentId)) this.loaded.pages.delete(experimentId);
    this.changed.fire(undefined);
    return true;
  }

  /** Reads the experiments' loaded pages in one call and compares each with what the tree shows. */
  private async comparePages(experimentIds: readonly string[], query: RunsQuery, access: StoreAccess, changed: Set<RunsTreeNode>): Promise<void> {
    // For a guest, one request to the owner, however many pages are read.
    const toRead = experimentIds.flatMap((experimentId) => {
      const page = this.loaded.pages.get(experimentId);
      return page && this.experiments.has(experimentId) ? [[experimentId, page] as const] : [];
    });
    if (toRead.length === 0) return;
    const read = await access.call('runPages', { query, pages: toRead.map(([experimentId, page]) => ({ experimentId, limit: page.limit })) });
    for (const [index, [experimentId, page]] of toRead.entries()) {
      const experiment = this.experiments.get(experimentId);
      const answer = read[index];
      // A page whose search failed: the filter's error already shows in the experiment; nothing to compare.
      if (!experiment || !answer || 'error' in answer) continue;
      this.loaded.comparePage(experiment, page, answer.runs, changed);
    }
  }

  /** Loaded experiments that had no metric yet: once one is logged, their runs show it. */
  private async findDefaultMetrics(experimentIds: Iterable<string>, access: StoreAccess, changed: Set<RunsTreeNode>): Promise<void> {
    for (const experimentId of experimentIds) {
      if (this.defaultMetrics.has(experimentId) || !this.loaded.pages.has(experimentId)) continue;
      const metric = (await access.call('firstLoggedMetric', { experimentId })).key;
      if (metric === undefined) continue;
      this.defaultMetrics.set(experimentId, metric);
      for (const node of this.loaded.loadedRuns()) if (node.experimentId === experimentId) changed.add(node);
    }
  }

  private async access(): Promise<StoreAccess> {
    return storeAccess(this.session);
  }
}

/** What the root shows of a store this window reads: its experiments (storeShowing.ts has the other cases). */
function experimentsShowing(summaries: readonly ExperimentSummary[]): string {
  return `experiments ${summaries.map((s) => s.experimentId).join(',')}`;
}

function errorMessage(node: RunsTreeNode | undefined, error: unknown, folderUri: string): MessageNode {
  const text = error instanceof Error ? error.message : String(error);
  return { kind: 'message', id: `${node?.id ?? `root@${folderUri}`}/error`, ...(node ? { parent: node } : {}), text: `Error: ${text}`, detail: text };
}
