import { randomBytes } from 'node:crypto';
import { maxListedChanges, StoreChanges, type StoreArea, type StoreChangeJson } from '../core/store/storeChange';
import type { WriteSource } from './dashboards/dashboardEvents';

/** How long a `changes` request waits for a write before it answers "nothing yet" (clients ask again). */
export const changeWaitMs = 25_000;

/**
 * How many runs (and experiments) the feed remembers the last change of. A follower whose cursor is
 * older than a forgotten change hears "every run changed": it reads its loaded pages once.
 */
const rememberedRuns = 4 * maxListedChanges;

/** One answer of the feed: where the store stands, and what changed since the cursor asked about. */
export interface ChangeFeedAnswer {
  readonly cursor: string;
  readonly changes: StoreChangeJson;
}

/**
 * "The store was written, and this is what changed": what a guest window's views need to refresh
 * only what changed, as a cursor a long poll waits on. The cursor names this server instance and
 * counts its writes, so a client that saw another instance (the owner restarted) is answered at
 * once, with "everything changed". Each run, run list and area remembers the count of the last
 * write that changed it, so every follower, however far behind, gets the union of what changed
 * since its own cursor (bounded: `rememberedRuns`).
 */
export class ChangeFeed {
  private readonly instance = randomBytes(6).toString('hex');
  private writes = 0;
  /** Run id -> the write that last changed it, oldest first (a change moves the run to the end). */
  private readonly runs = new Map<string, number>();
  private readonly runLists = new Map<string, number>();
  private readonly areas = new Map<StoreArea, number>();
  /** The last write that changed every run, or that changed runs this feed no longer remembers. */
  private allRunsAt = 0;
  /** The last write that changed something no list says (a table the store does not classify). */
  private allAt = 0;
  private readonly waiters = new Set<() => void>();
  private readonly subscription: { dispose(): void };

  constructor(source: WriteSource) {
    this.subscription = source.onDidWrite((changes) => {
      this.writes++;
      this.record(changes);
      this.wake();
    });
  }

  get cursor(): string {
    return `${this.instance}.${this.writes}`;
  }

  /** What changed since `since`: everything for a cursor of another instance (or none, or a malformed one). */
  changesSince(since: string): StoreChangeJson {
    const seen = this.writesAt(since);
    if (seen === undefined || seen < this.allAt) return { all: true };
    const changes = new StoreChanges();
    if (seen < this.allRunsAt) changes.markAllRuns();
    else {
      for (const [runId, at] of this.runs) if (at > seen) changes.addRun(runId);
      for (const [experimentId, at] of this.runLists) if (at > seen) changes.addRunList(experimentId);
    }
    for (const [area, at] of this.areas) if (at > seen) changes.areas.add(area);
    return changes.toJson();
  }

  /** The cursor and what changed since `since`, as soon as the cursor differs from it, or after `waitMs` (or on close) unchanged. */
  next(since: string, waitMs = changeWaitMs): Promise<ChangeFeedAnswer> {
    const answer = (): ChangeFeedAnswer => ({ cursor: this.cursor, changes: since === this.cursor ? {} : this.changesSince(since) });
    if (since !== this.cursor) return Promise.resolve(answer());
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(answer());
      };
      const timer = setTimeout(done, waitMs);
      this.waiters.add(done);
    });
  }

  /** Answers every waiting request, so the server can close without waiting for them. */
  close(): void {
    this.subscription.dispose();
    this.wake();
  }

  private record(changes: StoreChanges): void {
    const at = this.writes;
    if (changes.all) this.allAt = at;
    if (changes.allRuns) this.allRunsAt = at;
    const forgot = (changedAt: number) => (this.allRunsAt = Math.max(this.allRunsAt, changedAt));
    for (const runId of changes.runs) remember(this.runs, runId, at, forgot);
    for (const experimentId of changes.runLists) remember(this.runLists, experimentId, at, forgot);
    for (const area of changes.areas) this.areas.set(area, at);
  }

  /** The write count a cursor of this instance names; undefined for another instance's, or none. */
  private writesAt(cursor: string): number | undefined {
    const dot = cursor.lastIndexOf('.');
    if (dot < 0 || cursor.slice(0, dot) !== this.instance) return undefined;
    const count = Number(cursor.slice(dot + 1));
    return Number.isSafeInteger(count) && count >= 0 && count <= this.writes ? count : undefined;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * Records that `id` changed at write `at`, keeping the map in order of change; past `rememberedRuns`
 * the oldest is forgotten and `forgot` is told when it changed (a follower that had not seen that
 * write must read every run).
 */
function remember(changedAt: Map<string, number>, id: string, at: number, forgot: (changedAt: number) => void): void {
  changedAt.delete(id);
  changedAt.set(id, at);
  if (changedAt.size <= rememberedRuns) return;
  for (const [oldest, oldestAt] of changedAt) {
    changedAt.delete(oldest);
    forgot(oldestAt);
    return;
  }
}
