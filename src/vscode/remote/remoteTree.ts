import * as vscode from 'vscode';
import { describeRemoteFailure, type RemoteBrowser } from '../../remote/browse/remoteBrowser';
import type { RemotePage } from '../../remote/browse/remoteRecords';
import { Disposable } from '../disposable';
import { formatMetricValue } from '../runs/runFormat';
import { byKey, isSystemTag } from '../../core/runs/runTagValues';
import { nestRemoteRuns } from './remoteRunNesting';
import type { RemoteServerRegistry } from './remoteServerRegistry';
import {
  RemoteExperimentNode,
  RemoteModelNode,
  RemoteServerNode,
  serverOf,
  type PagedNode,
  type RemoteLoadMoreNode,
  type RemoteMessageNode,
  type RemoteNode,
  type RemoteRunNode,
  type RemoteSectionKind,
  type RemoteSectionNode,
  type RemoteView,
} from './remoteTreeNodes';

/**
 * The remote servers' part of one view (Runs or Models): the roots, and the children of each remote
 * node read page by page through the server's cached browser. Failures become a message node with
 * the reason; clicking it retries.
 */
export class RemoteTree extends Disposable {
  private readonly roots = new Map<string, RemoteServerNode>();
  private readonly changed = this.register(new vscode.EventEmitter<RemoteNode[] | undefined>());
  /** The remote nodes whose children changed; undefined when the list of servers did. */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly view: RemoteView,
    private readonly registry: RemoteServerRegistry,
  ) {
    super();
    this.register(registry.onDidChange(() => this.changed.fire(undefined)));
  }

  /** One node per server, the same object as long as the server's name and URL stay. */
  serverNodes(): RemoteServerNode[] {
    const servers = this.registry.servers();
    const nodes = servers.map((server) => {
      const known = this.roots.get(server.name);
      if (known && known.server.url === server.url) return known;
      const node = new RemoteServerNode(this.view, server);
      this.roots.set(server.name, node);
      return node;
    });
    for (const name of this.roots.keys()) if (!servers.some((server) => server.name === name)) this.roots.delete(name);
    return nodes;
  }

  async children(node: RemoteNode): Promise<RemoteNode[]> {
    try {
      switch (node.kind) {
        case 'remoteServer':
          return this.view === 'runs'
            ? listed(node, await this.pages(node, (browser, token) => browser.experiments(token)), (items) => items.map((item) => new RemoteExperimentNode(node, item)), 'No experiments')
            : listed(node, await this.pages(node, (browser, token) => browser.registeredModels(token)), (items) => items.map((item) => new RemoteModelNode(node, item)), 'No registered models');
        case 'remoteExperiment':
          return listed(node, await this.pages(node, (browser, token) => browser.runs(node.experiment.experimentId, token)), (runs) => nestRemoteRuns(node, runs), 'No runs');
        case 'remoteModel':
          return listed(
            node,
            await this.pages(node, (browser, token) => browser.modelVersions(node.model.name, token)),
            (versions) => versions.map((version) => ({ kind: 'remoteVersion', id: `${node.id}/version/${version.version}`, parent: node, version })),
            'No versions',
          );
        case 'remoteRun':
          return [...sectionsOf(node), ...node.childRuns];
        case 'remoteSection':
          return fieldsOf(node);
        default:
          return [];
      }
    } catch (error) {
      return [failure(node, error)];
    }
  }

  /** Loads the next page below the node that "Load more…" stands for: one request. */
  loadMore(node: RemoteLoadMoreNode): void {
    const parent = node.parent;
    if (parent.pageTokens.at(-1) === node.nextPageToken) return;
    parent.pageTokens.push(node.nextPageToken);
    this.changed.fire([parent]);
  }

  /** Forgets the server's cached answers and reads the node again (the Retry and Refresh actions). */
  async retry(node: RemoteNode): Promise<void> {
    const server = serverOf(node);
    try {
      (await this.registry.browser(server.server)).forget();
    } catch {
      // A malformed URL: reading again shows the reason once more.
    }
    const target = node.kind === 'remoteMessage' ? node.parent : node;
    this.changed.fire([target]);
  }

  /** Every item of the pages loaded below the node (from the browser's cache), and the token of the next page. */
  private async pages<T>(
    node: PagedNode & RemoteNode,
    read: (browser: RemoteBrowser, token: string | undefined) => Promise<RemotePage<T>>,
  ): Promise<{ items: T[]; next?: string }> {
    const browser = await this.registry.browser(serverOf(node).server);
    const items: T[] = [];
    let next: string | undefined;
    for (const token of node.pageTokens) {
      const page = await read(browser, token);
      items.push(...page.items);
      next = page.nextPageToken;
    }
    return { items, next };
  }
}

/** The nodes made of the loaded items, then "Load more…" when there is a next page; a message when there is nothing. */
function listed<T>(node: PagedNode & RemoteNode, loaded: { items: T[]; next?: string }, toNodes: (items: T[]) => RemoteNode[], emptyText: string): RemoteNode[] {
  const nodes = toNodes(loaded.items);
  if (loaded.next !== undefined) {
    const more: RemoteLoadMoreNode = { kind: 'remoteLoadMore', id: `${node.id}/more/${loaded.items.length}`, parent: node, loaded: loaded.items.length, nextPageToken: loaded.next };
    nodes.push(more);
  }
  if (nodes.length === 0) return [{ kind: 'remoteMessage', id: `${node.id}/empty`, parent: node, text: emptyText, isError: false }];
  return nodes;
}

function sectionsOf(node: RemoteRunNode): RemoteSectionNode[] {
  const { run } = node;
  const kinds: RemoteSectionKind[] = [];
  if (run.params.length > 0) kinds.push('params');
  if (run.metrics.length > 0) kinds.push('metrics');
  if (run.tags.some((tag) => !isSystemTag(tag.key))) kinds.push('tags');
  if (run.tags.some((tag) => isSystemTag(tag.key))) kinds.push('systemTags');
  return kinds.map((section) => ({ kind: 'remoteSection', id: `${node.id}/${section}`, parent: node, section }));
}

function fieldsOf(node: RemoteSectionNode): RemoteNode[] {
  const { run } = node.parent;
  const entries =
    node.section === 'params'
      ? byKey([...run.params])
      : node.section === 'metrics'
        ? [...run.metrics].sort((a, b) => a.key.localeCompare(b.key)).map((m) => ({ key: m.key, value: `${formatMetricValue(m.value)} (step ${m.step})` }))
        : byKey(run.tags.filter((tag) => isSystemTag(tag.key) === (node.section === 'systemTags')));
  return entries.map((entry) => ({ kind: 'remoteField', id: `${node.id}/${entry.key}`, parent: node, key: entry.key, value: entry.value }));
}

function failure(node: RemoteNode, error: unknown): RemoteMessageNode {
  const reason = describeRemoteFailure(error);
  return { kind: 'remoteMessage', id: `${node.id}/error`, parent: node, text: `Error: ${reason}`, detail: `${reason}\nClick to retry.`, isError: true };
}
