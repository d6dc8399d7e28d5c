import type { RemoteExperimentSummary, RemoteModelSummary, RemoteRunSummary, RemoteVersionSummary } from '../../remote/browse/remoteRecords';
import type { RemoteServerEntry } from './remoteServerRegistry';

/**
 * The elements remote servers add to the Runs and Models views. A node that lists pages keeps the
 * page tokens it has loaded: expanding it again reads those pages from the browser's cache, and
 * "Load more…" adds one token, so each action costs at most one request.
 */
export type RemoteRunsNode =
  | RemoteServerNode
  | RemoteExperimentNode
  | RemoteRunNode
  | RemoteSectionNode
  | RemoteFieldNode
  | RemoteLoadMoreNode
  | RemoteMessageNode;

export type RemoteModelsNode = RemoteServerNode | RemoteModelNode | RemoteVersionNode | RemoteLoadMoreNode | RemoteMessageNode;

export type RemoteNode = RemoteRunsNode | RemoteModelsNode;

/** Which view a node is in: the same server is a root of both. */
export type RemoteView = 'runs' | 'models';

/** A node whose children come in pages. */
export interface PagedNode {
  readonly id: string;
  readonly view: RemoteView;
  /** The tokens of the pages loaded so far; the first page has none. */
  pageTokens: (string | undefined)[];
}

export class RemoteServerNode implements PagedNode {
  readonly kind = 'remoteServer';
  pageTokens: (string | undefined)[] = [undefined];
  readonly parent = undefined;

  constructor(
    readonly view: RemoteView,
    readonly server: RemoteServerEntry,
  ) {}

  get id(): string {
    return `remote/${this.view}/${this.server.name}`;
  }
}

export class RemoteExperimentNode implements PagedNode {
  readonly kind = 'remoteExperiment';
  readonly view = 'runs';
  pageTokens: (string | undefined)[] = [undefined];

  constructor(
    readonly parent: RemoteServerNode,
    readonly experiment: RemoteExperimentSummary,
  ) {}

  get id(): string {
    return `${this.parent.id}/experiment/${this.experiment.experimentId}`;
  }
}

export interface RemoteRunNode {
  readonly kind: 'remoteRun';
  readonly id: string;
  /** The experiment, or the parent run (tag mlflow.parentRunId) when that run is loaded too. */
  readonly parent: RemoteExperimentNode | RemoteRunNode;
  readonly run: RemoteRunSummary;
  /** Runs nested under this one, newest first, listed after its sections as in the local tree. */
  readonly childRuns: RemoteRunNode[];
}

export type RemoteSectionKind = 'params' | 'metrics' | 'tags' | 'systemTags';

export interface RemoteSectionNode {
  readonly kind: 'remoteSection';
  readonly id: string;
  readonly parent: RemoteRunNode;
  readonly section: RemoteSectionKind;
}

export interface RemoteFieldNode {
  readonly kind: 'remoteField';
  readonly id: string;
  readonly parent: RemoteSectionNode;
  readonly key: string;
  readonly value: string;
}

export class RemoteModelNode implements PagedNode {
  readonly kind = 'remoteModel';
  readonly view = 'models';
  pageTokens: (string | undefined)[] = [undefined];

  constructor(
    readonly parent: RemoteServerNode,
    readonly model: RemoteModelSummary,
  ) {}

  get id(): string {
    return `${this.parent.id}/model/${this.model.name}`;
  }
}

export interface RemoteVersionNode {
  readonly kind: 'remoteVersion';
  readonly id: string;
  readonly parent: RemoteModelNode;
  readonly version: RemoteVersionSummary;
}

export interface RemoteLoadMoreNode {
  readonly kind: 'remoteLoadMore';
  readonly id: string;
  readonly parent: PagedNode & RemoteNode;
  readonly loaded: number;
  readonly nextPageToken: string;
}

/** An error (with a retry) or an empty listing, in place of a node's children. */
export interface RemoteMessageNode {
  readonly kind: 'remoteMessage';
  readonly id: string;
  readonly parent: RemoteNode;
  readonly text: string;
  readonly detail?: string;
  readonly isError: boolean;
}

const remoteKinds: ReadonlySet<string> = new Set([
  'remoteServer',
  'remoteExperiment',
  'remoteRun',
  'remoteSection',
  'remoteField',
  'remoteModel',
  'remoteVersion',
  'remoteLoadMore',
  'remoteMessage',
]);

export function isRemoteNode(node: { readonly kind: string }): node is RemoteNode {
  return remoteKinds.has(node.kind);
}

/** The server a node belongs to. */
export function serverOf(node: RemoteNode): RemoteServerNode {
  let current: RemoteNode = node;
  while (current.kind !== 'remoteServer') current = current.parent as RemoteNode;
  return current;
}
