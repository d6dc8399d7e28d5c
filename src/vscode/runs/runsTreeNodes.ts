import type { Run, RunStatus } from '../../core/entities';
import type { FolderNode } from '../perFolder';
import type { RemoteNode } from '../remote/remoteTreeNodes';
import type { TraceNode, TracesNode } from '../traces/traceTreeNodes';

/**
 * The Runs view's elements. Experiment, run and section nodes are cached by id and updated in place,
 * so the same object stands for the same thing across refreshes: VS Code can then refresh just the
 * elements that changed. Field, artifact and message nodes are rebuilt with their parent.
 */
export type RunsTreeNode = LocalRunsTreeNode | RemoteNode;

/** The workspace's own elements; remote servers add theirs (src/vscode/remote) below them. */
export type LocalRunsTreeNode = FolderNode | ExperimentNode | RunNode | SectionNode | FieldNode | ArtifactNode | LoadMoreNode | MessageNode | TracesNode | TraceNode;

export class ExperimentNode {
  readonly kind = 'experiment';
  /** Shown expanded the first time it appears (VS Code remembers the state after that). */
  expandedAtFirst = false;

  constructor(
    /** The workspace folder whose store holds the experiment (experiment ids repeat across stores). */
    readonly folderUri: string,
    readonly experimentId: string,
    public name: string,
    /** Runs in the experiment, deleted ones included when the view shows them; the filter is not applied. */
    public runCount: number,
    /** While a filter applies: how many of those runs it matches. */
    public matchCount?: number,
  ) {}

  get id(): string {
    return `experiment/${this.experimentId}@${this.folderUri}`;
  }
}

export class RunNode {
  readonly kind = 'run';
  /** Runs whose mlflow.parentRunId is this run, among the runs loaded. */
  childRuns: RunNode[] = [];
  private readonly sectionNodes = new Map<SectionKind, SectionNode>();

  constructor(
    /** The run as last read from the store; replaced in place when it changes. */
    public run: Run,
    public parent: ExperimentNode | RunNode,
  ) {}

  get id(): string {
    return `run/${this.runId}`;
  }

  get runId(): string {
    return this.run.info.run_id;
  }

  get name(): string {
    return this.run.info.run_name;
  }

  get status(): RunStatus {
    return this.run.info.status;
  }

  get experimentId(): string {
    return this.run.info.experiment_id;
  }

  /** The experiment node the run hangs under, through its parent runs. */
  get experiment(): ExperimentNode {
    return this.parent.kind === 'experiment' ? this.parent : this.parent.experiment;
  }

  get deleted(): boolean {
    return this.run.info.lifecycle_stage === 'deleted';
  }

  section(kind: SectionKind): SectionNode {
    let node = this.sectionNodes.get(kind);
    if (!node) this.sectionNodes.set(kind, (node = new SectionNode(this, kind)));
    return node;
  }
}

export type SectionKind = 'params' | 'metrics' | 'tags' | 'systemTags' | 'artifacts' | 'source';

export class SectionNode {
  readonly kind = 'section';

  constructor(
    readonly run: RunNode,
    readonly section: SectionKind,
  ) {}

  get id(): string {
    return `${this.run.id}/${this.section}`;
  }
}

/** What a field stands for; it picks the field's icon, its context value and so its actions. */
export type FieldRole = 'param' | 'metric' | 'tag' | 'source';

/** One line of a section: a param, a metric, a tag, or one fact about the run's code. */
export interface FieldNode {
  readonly kind: 'field';
  readonly id: string;
  readonly parent: SectionNode;
  readonly role: FieldRole;
  readonly key: string;
  readonly label: string;
  readonly value: string;
  /** Plain text shown on hover; the value in full when the description is cut. */
  readonly detail?: string;
  /** A command a click runs, such as opening the source file as it was. */
  readonly action?: { readonly command: string; readonly title: string; readonly arguments: unknown[] };
}

export interface ArtifactNode {
  readonly kind: 'artifact';
  readonly id: string;
  readonly run: RunNode;
  readonly parent: SectionNode | ArtifactNode;
  /** Relative to the run's artifact root, `/`-separated. */
  readonly path: string;
  readonly isDir: boolean;
  readonly size?: number;
  /** Where the file is on disk, for opening it in an editor. */
  readonly fsPath: string;
}

export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly id: string;
  readonly parent: ExperimentNode;
  readonly loaded: number;
  readonly pageSize: number;
}

export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly parent?: RunsTreeNode;
  readonly text: string;
  /** Shown on hover, for an error's full message. */
  readonly detail?: string;
}
