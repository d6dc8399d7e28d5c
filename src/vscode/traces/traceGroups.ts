import type { SkippedTrace } from '../../core/traces/contentSearch';
import type { TraceSummaryPage } from '../../core/store/storeOperations';
import type { StoreAccess } from '../storeAccess';
import type { ExperimentNode, RunNode, RunsTreeNode } from '../runs/runsTreeNodes';
import { TracesNode, type TraceNode } from './traceTreeNodes';

/** How many traces a group lists; the rest are a search away (the filter). */
export const tracesShownPerGroup = 100;

interface Shown {
  readonly node: TracesNode;
  /** Ids, states, latencies and span counts of the listed traces, when the group was expanded. */
  fingerprint?: string;
}

/**
 * The Runs view's trace groups: a "Traces" node under each experiment and run that has traces,
 * listing them newest first (filtered by the trace filter), kept live: each refresh tick compares
 * the counts and the listed traces of what is shown and names the nodes that changed.
 */
export class TraceGroups {
  filter = '';
  private readonly shown = new Map<string, Shown>();
  /** Experiments and runs whose children were read, with the trace count they showed. */
  private readonly parents = new Map<string, { readonly parent: ExperimentNode | RunNode; count: number }>();

  clear(): void {
    this.shown.clear();
    this.parents.clear();
  }

  /** The group under `parent`, or nothing when it has no traces. */
  async groupOf(parent: ExperimentNode | RunNode, access: StoreAccess): Promise<TracesNode[]> {
    const count = await countOf(parent, access);
    this.parents.set(parent.id, { parent, count });
    if (count === 0) return [];
    let entry = this.shown.get(`${parent.id}/traces`);
    if (entry === undefined) this.shown.set(`${parent.id}/traces`, (entry = { node: new TracesNode(parent, count) }));
    entry.node.count = count;
    return [entry.node];
  }

  /** The group's traces, newest first. A bad filter shows as the error it is. */
  async list(group: TracesNode, access: StoreAccess): Promise<RunsTreeNode[]> {
    const page = await this.search(group, access);
    const entry = this.shown.get(group.id);
    if (entry) entry.fingerprint = fingerprintOf(page);
    const listed: RunsTreeNode[] = page.items.map((trace) => ({ kind: 'trace', id: `${group.id}/${trace.traceId}`, parent: group, trace }) satisfies TraceNode);
    if (page.items.length === 0) listed.push({ kind: 'message', id: `${group.id}/empty`, parent: group, text: this.filter ? 'No traces match the filter' : 'No traces' });
    // Said where the result is read: a filter on span content that could not read some span files
    // may have missed matches in them.
    if (page.skipped.length > 0) listed.push({ kind: 'message', id: `${group.id}/skipped`, parent: group, text: skippedMessage(page.skipped) });
    return listed;
  }

  shownGroups(): TracesNode[] {
    return [...this.shown.values()].map((entry) => entry.node);
  }

  /** The nodes whose trace children changed since they were read. */
  async changed(access: StoreAccess): Promise<RunsTreeNode[]> {
    const changed: RunsTreeNode[] = [];
    for (const entry of this.parents.values()) {
      const count = await countOf(entry.parent, access);
      if (count !== entry.count) {
        entry.count = count;
        changed.push(entry.parent);
      }
    }
    for (const entry of this.shown.values()) {
      if (entry.fingerprint === undefined) continue;
      let fingerprint: string;
      try {
        fingerprint = fingerprintOf(await this.search(entry.node, access));
      } catch {
        continue; // the filter's error already shows in the group
      }
      if (fingerprint !== entry.fingerprint) {
        entry.fingerprint = fingerprint;
        changed.push(entry.node);
      }
    }
    return changed;
  }

  private search(group: TracesNode, access: StoreAccess) {
    // A run's traces include those linked to it from other experiments (the store looks them up).
    return access.call('traceSummaries', {
      experimentId: group.experimentId,
      runId: group.runId,
      filter: this.filter ?? '',
      limit: tracesShownPerGroup,
    });
  }
}

function countOf(parent: ExperimentNode | RunNode, access: StoreAccess): Promise<number> {
  return access.call('countTraces', parent.kind === 'experiment' ? { experimentId: parent.experimentId } : { runId: parent.runId });
}

function fingerprintOf({ items, skipped }: TraceSummaryPage): string {
  return items.map((t) => `${t.traceId}:${t.state}:${t.executionMs}:${t.spanCount}`).join(',') + `/${skipped.length}`;
}

function skippedMessage(skipped: readonly SkippedTrace[]): string {
  const [first] = skipped;
  const traces = skipped.length === 1 ? '1 trace' : `${skipped.length} traces`;
  return `${traces} not fully searched: ${first.reason} (${first.traceId}${skipped.length > 1 ? ', …' : ''})`;
}
