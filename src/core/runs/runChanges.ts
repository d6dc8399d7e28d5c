import type { RunsChangedParams } from './runReadModels';
import type { TrackingStore } from '../store/trackingStore';

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

/** What a dashboard watches: its runs, and the experiments whose tables it shows. */
export interface ChangeWatch {
  readonly runIds?: readonly string[];
  readonly experimentIds?: readonly string[];
}

/** A fingerprint of each watched run and experiment ('' for one that does not exist), as plain JSON. */
export interface WatchPrints {
  readonly runs: Readonly<Record<string, string>>;
  readonly experiments: Readonly<Record<string, string>>;
}

/** Reads the fingerprints of what a dashboard watches, with bound parameters only. */
export function readWatchPrints(tracking: TrackingStore, watch: ChangeWatch): WatchPrints {
  const runIds = [...new Set(watch.runIds ?? [])];
  const runs: Record<string, string> = {};
  for (let start = 0; start < runIds.length; start += chunkSize) {
    const part = runIds.slice(start, start + chunkSize);
    for (const row of tracking.db.all<{ id: string; print: string }>(runFingerprintSql(part.length), part)) runs[row.id] = row.print;
  }
  const experiments: Record<string, string> = {};
  for (const id of new Set(watch.experimentIds ?? [])) {
    const numeric = Number(id);
    experiments[id] = Number.isSafeInteger(numeric) ? (tracking.db.get<{ print: string }>(experimentFingerprintSql, [numeric, numeric])?.print ?? '') : '';
  }
  return { runs, experiments };
}

/**
 * Tells an open dashboard which of its runs changed after a write. The store reports only "something
 * was written"; the host calls `poll` (coalesced, a few times a second at most) with what its open
 * dashboards watch, and forwards the answer as a `runs/changed` notification. `compare` does the same
 * with fingerprints read elsewhere (by the process that owns the store, for a guest window).
 *
 * The first poll of a run or experiment records it and reports nothing for it.
 */
export class RunChangeTracker {
  private readonly runPrints = new Map<string, string>();
  private readonly experimentPrints = new Map<string, string>();

  constructor(private readonly tracking?: TrackingStore) {}

  /**
   * What changed among the watched runs and experiments since the previous poll: `all` when a
   * watched experiment changed (its table needs a reload), else the changed runs; undefined when
   * nothing did. Runs and experiments no longer watched are forgotten.
   */
  poll(watch: ChangeWatch): RunsChangedParams | undefined {
    if (!this.tracking) throw new Error('this tracker reads no store: compare fingerprints read elsewhere');
    return this.compare(watch, readWatchPrints(this.tracking, watch));
  }

  compare(watch: ChangeWatch, prints: WatchPrints): RunsChangedParams | undefined {
    const runIds = [...new Set(watch.runIds ?? [])];
    const changedRuns = runIds.filter((id) => this.runPrints.has(id) && this.runPrints.get(id) !== (prints.runs[id] ?? ''));
    this.runPrints.clear();
    for (const id of runIds) this.runPrints.set(id, prints.runs[id] ?? '');
    const experimentIds = [...new Set(watch.experimentIds ?? [])];
    const experimentChanged = experimentIds.some((id) => this.experimentPrints.has(id) && this.experimentPrints.get(id) !== (prints.experiments[id] ?? ''));
    this.experimentPrints.clear();
    for (const id of experimentIds) this.experimentPrints.set(id, prints.experiments[id] ?? '');
    if (experimentChanged) return { all: true };
    return changedRuns.length > 0 ? { all: false, runIds: changedRuns } : undefined;
  }
}
