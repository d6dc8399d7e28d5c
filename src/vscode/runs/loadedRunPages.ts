import type { Run } from '../../core/entities';
import { parentRunIdOf } from '../../core/runs/runTagValues';
import { parentsWithin, runFingerprint } from '../../core/search/runsQuery';
import { RunNode, type ExperimentNode, type RunsTreeNode } from './runsTreeNodes';

/** What is loaded of one experiment: the runs asked for, in order, and what each looked like. */
export interface LoadedPage {
  limit: number;
  /** The run ids with their parents, in order: when it changes, the experiment's children do. */
  structure: string;
  fingerprints: Map<string, string>;
}

/**
 * The Runs view's run nodes (one object per run, updated in place) and the loaded page of each
 * expanded experiment, with what tells whether a fresh read of a run or a page changed what shows.
 */
export class LoadedRunPages {
  readonly pages = new Map<string, LoadedPage>();
  readonly runs = new Map<string, RunNode>();

  /** Every run node of the loaded pages (for redrawing descriptions, and for pickers). */
  *loadedRuns(): Iterable<RunNode> {
    for (const page of this.pages.values()) {
      for (const id of page.fingerprints.keys()) {
        const node = this.runs.get(id);
        if (node) yield node;
      }
    }
  }

  isLoaded(runId: string): boolean {
    const node = this.runs.get(runId);
    return node !== undefined && (this.pages.get(node.experimentId)?.fingerprints.has(runId) ?? false);
  }

  /** Updates the run nodes in place and hangs each under its parent; returns the page's structure and fingerprints. */
  place(experiment: ExperimentNode, runs: readonly Run[]): Omit<LoadedPage, 'limit'> {
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

  /**
   * A changed run, read by id: its node is updated in place (and added to `changed`) when its
   * fingerprint differs; when it may have moved (a filter or an order by its data, another parent),
   * its experiment is added to `pagesToRead` instead.
   */
  compareRun(run: Run, runsMove: boolean, pagesToRead: Set<string>, changed: Set<RunsTreeNode>): void {
    const runId = run.info.run_id;
    const experimentId = run.info.experiment_id;
    const page = this.pages.get(experimentId);
    if (!page || pagesToRead.has(experimentId)) return;
    const node = this.runs.get(runId);
    if (runsMove || !node || !page.fingerprints.has(runId) || parentRunIdOf(node.run) !== parentRunIdOf(run)) {
      pagesToRead.add(experimentId);
      return;
    }
    const fingerprint = runFingerprint(run);
    if (page.fingerprints.get(runId) === fingerprint) return;
    page.fingerprints.set(runId, fingerprint);
    node.run = run;
    changed.add(node);
  }

  /** A loaded page read again: the experiment changed if its runs came, went or moved, else each run whose fingerprint differs. */
  comparePage(experiment: ExperimentNode, page: LoadedPage, runs: readonly Run[], changed: Set<RunsTreeNode>): void {
    const parents = parentsWithin(runs, parentRunIdOf, (run) => run.info.run_id);
    if (structureOf(runs, parents) !== page.structure) {
      // The experiment's children are read again when VS Code asks.
      Object.assign(page, this.place(experiment, runs));
      changed.add(experiment);
      return;
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
  }
}

function structureOf(runs: readonly Run[], parents: ReadonlyMap<string, string | undefined>): string {
  return runs.map((run) => `${run.info.run_id}<${parents.get(run.info.run_id) ?? ''}`).join(',');
}
