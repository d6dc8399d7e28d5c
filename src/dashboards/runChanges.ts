import type { RunsChangedParams } from '../protocol/dashboards';
import type { TrackingStore } from '../core/store/trackingStore';

const chunkSize = 500;

// A fingerprint of what a dashboard shows of a run: its row, its metrics' counts and latest times,
// its params and tags. Artifacts live on disk and are not in it.
const runFingerprintSql = (count: number) => `
  SELECT r.run_id AS id, r.status || '|' || COALESCE(r.end_time, '') || '|' || r.name || '|' || r.lifecycle_stage
    || '|' || (SELECT COALESCE(SUM(m.point_count), 0) || ':' || COALESCE(MAX(m.timestamp), 0) FROM latest_metrics m WHERE m.run_id = r.run_id)
    || '|' || (SELECT COUNT(*) FROM params p WHERE p.run_id = r.run_id)
    || '|' || (SELECT COALESCE(group_concat(length(t.key) || ':' || t.key || length(t.value) || ':' || t.value, ''), '') FROM tags t WHERE t.run_id = r.run_id)
    AS print
  FROM runs r WHERE r.run_id IN (${new Array<string>(count).fill('?').join(', ')})`;

// An experiment's runs as a set, with their status and metric counts: a run added, deleted, or
// logging changes it.
const experimentFingerprintSql = `
  SELECT COUNT(*) || '|' || COALESCE(MAX(r.start_time), 0) || '|' || COALESCE(SUM(r.end_time), 0)
    || '|' || COALESCE(group_concat(substr(r.status, 1, 2) || substr(r.lifecycle_stage, 1, 1), ''), '')
    || '|' || (SELECT COALESCE(SUM(m.point_count), 0) || ':' || COALESCE(MAX(m.timestamp), 0)
               FROM latest_metrics m JOIN runs x ON x.run_id = m.run_id WHERE x.experiment_id = ?)
    AS print
  FROM runs r WHERE r.experiment_id = ?`;

/**
 * Tells an open dashboard which of its runs changed after a write. The store reports only "something
 * was written"; the host calls `poll` (coalesced, a few times a second at most) with what its open
 * dashboards watch, and forwards the answer as a `runs/changed` notification.
 *
 * The first poll of a run or experiment records it and reports nothing for it.
 */
export class RunChangeTracker {
  private readonly runPrints = new Map<string, string>();
  private readonly experimentPrints = new Map<string, string>();

  constructor(private readonly tracking: TrackingStore) {}

  /**
   * What changed among the watched runs and experiments since the previous poll: `all` when a
   * watched experiment changed (its table needs a reload), else the changed runs; undefined when
   * nothing did. Runs and experiments no longer watched are forgotten.
   */
  poll(watch: { readonly runIds?: readonly string[]; readonly experimentIds?: readonly string[] }): RunsChangedParams | undefined {
    const experimentChanged = this.pollExperiments(watch.experimentIds ?? []);
    const changedRuns = this.pollRuns(watch.runIds ?? []);
    if (experimentChanged) return { all: true };
    return changedRuns.length > 0 ? { all: false, runIds: changedRuns } : undefined;
  }

  private pollRuns(runIds: readonly string[]): string[] {
    const unique = [...new Set(runIds)];
    const prints = new Map<string, string>();
    for (let start = 0; start < unique.length; start += chunkSize) {
      const part = unique.slice(start, start + chunkSize);
      for (const row of this.tracking.db.all<{ id: string; print: string }>(runFingerprintSql(part.length), part)) {
        prints.set(row.id, row.print);
      }
    }
    const changed = unique.filter((id) => this.runPrints.has(id) && this.runPrints.get(id) !== prints.get(id));
    this.runPrints.clear();
    for (const id of unique) this.runPrints.set(id, prints.get(id) ?? '');
    return changed;
  }

  private pollExperiments(experimentIds: readonly string[]): boolean {
    const unique = [...new Set(experimentIds)];
    let changed = false;
    const prints = new Map<string, string>();
    for (const id of unique) {
      const numeric = Number(id);
      const print = Number.isSafeInteger(numeric)
        ? (this.tracking.db.get<{ print: string }>(experimentFingerprintSql, [numeric, numeric])?.print ?? '')
        : '';
      if (this.experimentPrints.has(id) && this.experimentPrints.get(id) !== print) changed = true;
      prints.set(id, print);
    }
    this.experimentPrints.clear();
    for (const [id, print] of prints) this.experimentPrints.set(id, print);
    return changed;
  }
}
