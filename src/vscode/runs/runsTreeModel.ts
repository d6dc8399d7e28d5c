import * as vscode from 'vscode';
import type { Run } from '../../core/entities';
import { Disposable } from '../disposable';
import type { StoreAccess } from '../storeAccess';
import { storeAccess } from './ownedStore';
import { guestShowing, noStoreShowing, unreadStoreShowing } from '../storeShowing';
import type { TrackingSession } from '../trackingSession';
import { ChangeThrottle } from './changeThrottle';
import { artifactNodes } from './runArtifactNodes';
import { metricFields, paramFields, sectionsOf, sourceFields, tagFields } from './runSections';
import { parentsWithin, runFingerprint, type ExperimentSummary, type RunsQuery } from '../../core/search/runsQuery';
import { ExperimentNode, RunNode, type MessageNode, type RunsTreeNode, type SectionNode } from './runsTreeNodes';
import type { RunsViewState } from './runsViewState';
import { isSystemTag, parentRunIdOf } from '../../core/runs/runTagValues';
import { TraceGroups } from '../traces/traceGroups';

/** What is loaded of one experiment: the runs asked for, in order, and what each looked like. */
interface LoadedPage {
  limit: number;
  /** The run ids with their parents, in order: when it changes, the experiment's children do. */
  structure: string;
  fingerprints: Map<string, string>;
}

/**
 * Coalescing: a change shows 150 ms after it, and however fast a script logs, the tree is refreshed
 * at most four times a second (issue 5: within 500 ms, without rebuilding the tree per write).
 */
const refreshTiming = { delayMs: 150, minIntervalMs: 250 };

/**
 * The Runs view's state and data: reads the store, keeps one node object per experiment, run and
 * section (updated in place), and after writes tells exactly which of the loaded nodes changed.
 *
 * The store only says that something was written, so each coalesced tick compares: the experiments
 * and their run counts, then for every loaded experiment its loaded page (order, nesting, and a
 * fingerprint of each run). A page of 200 runs costs a few milliseconds to compare.
 */
export class RunsTreeModel extends Disposable {
  private readonly experiments = new Map<string, ExperimentNode>();
  private readonly runs = new Map<string, RunNode>();
  private readonly pages = new Map<string, LoadedPage>();
  private readonly defaultMetrics = new Map<string, string>();
  /** What the root last showed (rootsShowing); undefined until the root is read. */
  private shownRoots: string | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<RunsTreeNode[] | undefined>());
  /** The nodes whose item or children changed; undefined: everything. */
  readonly onDidChange = this.changed.event;
  private readonly throttle = this.register(new ChangeThrottle(() => this.poll(), refreshTiming));
  /** The trace groups shown (under experiments and runs), kept current by `poll`. */
  private readonly traces = new TraceGroups();

  constructor(
    readonly session: TrackingSession,
    private readonly state: RunsViewState,
    private readonly pageSize: () => number,
  ) {
    super();
    this.register(session.onDidChange(() => this.throttle.schedule()));
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
    this.pages.clear();
    this.traces.clear();
    // VS Code drops every element on a full refresh, so the nodes can go too.
    this.runs.clear();
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
    const page = this.pages.get(experimentId);
    const experiment = this.experiments.get(experimentId);
    if (!page || !experiment) return;
    page.limit += this.pageSize();
    this.changed.fire([experiment]);
  }

  /** The view collapsed the experiment: stop keeping its runs current until it is expanded again. */
  unload(experimentId: string): void {
    this.pages.delete(experimentId);
  }

  /** Every run node of the loaded pages (for redrawing descriptions, and for pickers). */
  *loadedRuns(): Iterable<RunNode> {
    for (const page of this.pages.values()) {
      for (const id of page.fingerprints.keys()) {
        const node = this.runs.get(id);
        if (node) yield node;
      }
    }
  }

  runNode(runId: string): RunNode | undefined {
    return this.runs.get(runId);
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
    let limit = this.pages.get(experimentId)?.limit ?? this.pageSize();
    for (;;) {
      const { runs, hasMore } = await access.call('runPage', { experimentId, query, limit });
      if (runs.some((r) => r.info.run_id === runId) || !hasMore) break;
      limit += this.pageSize();
    }
    this.pages.set(experimentId, { limit, structure: '', fingerprints: new Map() });
    await this.runsOf(experiment, access);
    return this.runs.get(runId);
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
    const limit = this.pages.get(experimentId)?.limit ?? this.pageSize();
    const [{ runs, hasMore }, first] = await Promise.all([
      access.call('runPage', { experimentId, query, limit }),
      this.defaultMetrics.has(experimentId) ? undefined : access.call('firstLoggedMetric', { experimentId }),
    ]);
    const page = this.place(experiment, runs);
    this.pages.set(experimentId, { limit, ...page });
    if (first?.key !== undefined) this.defaultMetrics.set(experimentId, first.key);
    const top: RunsTreeNode[] = runs.map((run) => this.runs.get(run.info.run_id)).filter((node) => node?.parent === experiment) as RunNode[];
    if (hasMore) top.push({ kind: 'loadMore', id: `${experiment.id}/more`, parent: experiment, loaded: runs.length, pageSize: this.pageSize() });
    if (runs.length === 0) {
      top.push({ kind: 'message', id: `${experiment.id}/empty`, parent: experiment, text: query.filter ? 'No runs match the filter' : 'No runs' });
    }
    return top;
  }

  /** Updates the run nodes in place and hangs each under its parent; returns the page's structure and fingerprints. */
  private place(experiment: ExperimentNode, runs: readonly Run[]): Omit<LoadedPage, 'limit'> {
    const parents = parentsWithin(runs, parentRunIdOf, (run) => run.info.run_id);
    const nodes = runs.map((run) => {
      let node = this.runs.get(run.info.run_id);
      if (node) node.run = run;
      else this.runs.set(run.info.run_id, (node = new RunNode(run, experiment)));
      node.childRuns = [];
      return node;
    });
    for (const node of nodes) {
      const parentId = parents.get(node.runId);
      const parent = parentId === undefined ? undefined : this.runs.get(parentId);
      node.parent = parent ?? experiment;
      parent?.childRuns.push(node);
    }
    return {
      structure: structureOf(runs, parents),
      fingerprints: new Map(runs.map((run) => [run.info.run_id, runFingerprint(run)])),
    };
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

  /** One coalesced tick: find what changed among what is shown, and fire just that. */
  private async poll(): Promise<void> {
    const unread = await unreadStoreShowing(this.session);
    if (unread !== undefined) {
      if (this.shownRoots !== undefined && unread !== this.shownRoots) this.reload();
      return;
    }
    const access = (await this.session.openedSession())?.access;
    if (!access) return;
    const query = this.query;
    const summaries = await access.call('experimentsWithRuns', { query });
    const showing = experimentsShowing(summaries);
    if (this.shownRoots !== undefined && showing !== this.shownRoots) {
      // The store appeared, or an experiment came or went: redraw everything. The loaded pages stay
      // loaded, and are compared again on the next tick, whether or not VS Code reads them again meanwhile.
      this.shownRoots = showing;
      for (const summary of summaries) this.upsertExperiment(summary);
      const shown = new Set(summaries.map((summary) => summary.experimentId));
      for (const experimentId of [...this.pages.keys()]) if (!shown.has(experimentId)) this.pages.delete(experimentId);
      this.changed.fire(undefined);
      return;
    }
    const changed = new Set<RunsTreeNode>(await this.traces.changed(access));
    for (const summary of summaries) {
      const node = this.experiments.get(summary.experimentId);
      if (node && (node.name !== summary.name || node.runCount !== summary.runCount || node.matchCount !== summary.matchCount)) changed.add(this.upsertExperiment(summary));
    }
    // Every loaded page in one read: for a guest, one request to the owner, however many are expanded.
    const loaded = [...this.pages].filter(([experimentId]) => this.experiments.has(experimentId));
    const read = loaded.length === 0 ? [] : await access.call('runPages', { query, pages: loaded.map(([experimentId, page]) => ({ experimentId, limit: page.limit })) });
    for (const [index, [experimentId, page]] of loaded.entries()) {
      const experiment = this.experiments.get(experimentId);
      const answer = read[index];
      // A page whose search failed: the filter's error already shows in the experiment; nothing to compare.
      if (!experiment || !answer || 'error' in answer) continue;
      const runs: Run[] = answer.runs;
      const parents = parentsWithin(runs, parentRunIdOf, (run) => run.info.run_id);
      if (structureOf(runs, parents) !== page.structure) {
        // Runs came, went or moved: the experiment's children are read again when VS Code asks.
        Object.assign(page, this.place(experiment, runs));
        changed.add(experiment);
        continue;
      }
      for (const run of runs) {
        const fingerprint = runFingerprint(run);
        if (page.fingerprints.get(run.info.run_id) === fingerprint) continue;
        page.fingerprints.set(run.info.run_id, fingerprint);
        const node = this.runs.get(run.info.run_id);
        if (!node) continue;
        node.run = run;
        changed.add(node);
      }
      if (!this.defaultMetrics.has(experimentId)) {
        const metric = (await access.call('firstLoggedMetric', { experimentId })).key;
        if (metric !== undefined) {
          this.defaultMetrics.set(experimentId, metric);
          for (const node of this.loadedRuns()) if (node.experimentId === experimentId) changed.add(node);
        }
      }
    }
    if (changed.size > 0) this.changed.fire([...changed]);
  }

  private async access(): Promise<StoreAccess> {
    return storeAccess(this.session);
  }
}

/** What the root shows of a store this window reads: its experiments (storeShowing.ts has the other cases). */
function experimentsShowing(summaries: readonly ExperimentSummary[]): string {
  return `experiments ${summaries.map((s) => s.experimentId).join(',')}`;
}

function structureOf(runs: readonly Run[], parents: ReadonlyMap<string, string | undefined>): string {
  return runs.map((run) => `${run.info.run_id}<${parents.get(run.info.run_id) ?? ''}`).join(',');
}

function errorMessage(node: RunsTreeNode | undefined, error: unknown, folderUri: string): MessageNode {
  const text = error instanceof Error ? error.message : String(error);
  return { kind: 'message', id: `${node?.id ?? `root@${folderUri}`}/error`, ...(node ? { parent: node } : {}), text: `Error: ${text}`, detail: text };
}
