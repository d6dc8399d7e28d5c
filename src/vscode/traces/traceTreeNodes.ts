import type { TraceSummary } from '../../core/traces/traceReads';
import type { ExperimentNode, RunNode } from '../runs/runsTreeNodes';

/** "Traces" under an experiment (all of its traces) or under a run (those made in or linked to it). */
export class TracesNode {
  readonly kind = 'traces';

  constructor(
    readonly parent: ExperimentNode | RunNode,
    /** How many traces the scope holds; the filter is not applied. */
    public count: number,
  ) {}

  get id(): string {
    return `${this.parent.id}/traces`;
  }

  get experimentId(): string {
    return this.parent.experimentId;
  }

  /** The run whose traces these are, for a group under a run. */
  get runId(): string | undefined {
    return this.parent.kind === 'run' ? this.parent.runId : undefined;
  }
}

/** One trace: what the sidebar shows without reading its spans. */
export interface TraceNode {
  readonly kind: 'trace';
  readonly id: string;
  readonly parent: TracesNode;
  readonly trace: TraceSummary;
}
