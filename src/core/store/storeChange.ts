/**
 * What a write (or a burst of writes) changed in a store, in the terms the views refresh by: which
 * runs, which experiments' lists of runs, which other areas. A view re-reads only what it shows of
 * that; `all` (or `allRuns`) is the fallback when a write could not say, or too much changed to list.
 */
export type StoreArea = 'experiments' | 'registry' | 'loggedModels' | 'traces' | 'launches' | 'other';

const areas: readonly StoreArea[] = ['experiments', 'registry', 'loggedModels', 'traces', 'launches', 'other'];

/** More runs or experiments than this in one change: it says "every run" instead of naming them. */
export const maxListedChanges = 500;

/** A change as plain JSON (the guest change feed's `changes`): absent members are unchanged. */
export interface StoreChangeJson {
  all?: true;
  allRuns?: true;
  runs?: string[];
  runLists?: string[];
  areas?: StoreArea[];
}

/** A mutable set of changes: writes add to it, a view takes it whole at its next refresh. */
export class StoreChanges {
  /** Anything may have changed: the store appeared or changed hands, or a follower fell too far behind. */
  all = false;
  /** Every run may have changed (a write that did not name its runs: an import, a mirror). */
  allRuns = false;
  /** Runs whose row, params, tags, metrics, inputs or outputs changed. */
  readonly runs = new Set<string>();
  /** Experiments whose list of runs changed: a run was created, deleted, restored or purged in them. */
  readonly runLists = new Set<string>();
  readonly areas = new Set<StoreArea>();

  static everything(): StoreChanges {
    const changes = new StoreChanges();
    changes.all = true;
    return changes;
  }

  /** Reads the feed's JSON; anything malformed is taken as "everything changed". */
  static fromJson(value: unknown): StoreChanges {
    const changes = new StoreChanges();
    if (typeof value !== 'object' || value === null) return StoreChanges.everything();
    const json = value as Record<string, unknown>;
    changes.all = json.all === true;
    changes.allRuns = json.allRuns === true;
    for (const id of stringsIn(json.runs)) changes.runs.add(id);
    for (const id of stringsIn(json.runLists)) changes.runLists.add(id);
    for (const area of stringsIn(json.areas)) {
      if ((areas as readonly string[]).includes(area)) changes.areas.add(area as StoreArea);
      else changes.all = true; // an area this window does not know: read everything rather than miss it
    }
    return changes;
  }

  get isEmpty(): boolean {
    return !this.all && !this.allRuns && this.runs.size === 0 && this.runLists.size === 0 && this.areas.size === 0;
  }

  /** Whether anything shown of runs may have changed (a run, a run list, or everything). */
  get touchesRuns(): boolean {
    return this.all || this.allRuns || this.runs.size > 0 || this.runLists.size > 0;
  }

  touches(area: StoreArea): boolean {
    return this.all || this.areas.has(area);
  }

  addRun(runId: string): void {
    if (this.allRuns) return;
    this.runs.add(runId);
    if (this.runs.size > maxListedChanges) this.markAllRuns();
  }

  addRunList(experimentId: string): void {
    if (this.allRuns) return;
    this.runLists.add(experimentId);
    if (this.runLists.size > maxListedChanges) this.markAllRuns();
  }

  markAllRuns(): void {
    this.allRuns = true;
    this.runs.clear();
    this.runLists.clear();
  }

  merge(other: StoreChanges): void {
    if (other.all) this.all = true;
    if (other.allRuns) this.markAllRuns();
    for (const id of other.runs) this.addRun(id);
    for (const id of other.runLists) this.addRunList(id);
    for (const area of other.areas) this.areas.add(area);
  }

  toJson(): StoreChangeJson {
    if (this.all) return { all: true };
    return {
      ...(this.allRuns ? { allRuns: true as const } : {}),
      ...(this.runs.size > 0 ? { runs: [...this.runs] } : {}),
      ...(this.runLists.size > 0 ? { runLists: [...this.runLists] } : {}),
      ...(this.areas.size > 0 ? { areas: [...this.areas] } : {}),
    };
  }
}

function stringsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
