import { trackingTablesV1 } from './migrations/v1TrackingTables';
import { launchTargetsAndHistoryFilesV2toV4 } from './migrations/v2to4LaunchTargetsAndHistoryFiles';
import { evaluationDatasetsV5 } from './migrations/v5EvaluationDatasets';
import { tracesV6 } from './migrations/v6Traces';

/**
 * The tracking schema, after MLflow's entities. Each migration is applied once, in order, and
 * numbered by `PRAGMA user_version` (see database.ts). Never edit a released migration: add one.
 *
 * Conventions:
 * - Times are integers in milliseconds since the epoch, as MLflow's REST API carries them.
 * - Experiment ids are integers here and strings on the wire ("0" is Default).
 * - Metric values are REAL; SQLite turns NaN into NULL, so `is_nan` keeps NaN exactly, as MLflow's
 *   own SQL store does. +Infinity and -Infinity are stored as REAL infinities.
 * - Every statement that writes is deterministic given its parameters (ids and times are made in
 *   TypeScript), because the journal replays statements.
 */
export interface Migration {
  readonly version: number;
  readonly statements: readonly string[];
  /**
   * Statements run with the others unless the query `when` finds a row: then whatever makes that
   * query empty runs them later (said where the migration is written).
   */
  readonly deferred?: { readonly statements: readonly string[]; readonly when: string };
}

export const migrations: readonly Migration[] = [
  // Released migrations, oldest first (migrations/); append a new one at the end of this list.
  ...trackingTablesV1,
  ...launchTargetsAndHistoryFilesV2toV4,
  ...evaluationDatasetsV5,
  ...tracesV6,
  {
    // Sweeps and their queues (core/sweeps/sweepRecords.ts): what a window resumes after a reload.
    version: 7,
    statements: [
      // `spec_json` is the SweepSpec as given; `state` is 'active' until the queue ends or is stopped.
      `CREATE TABLE sweeps (
        sweep_id TEXT PRIMARY KEY,
        parent_run_id TEXT NOT NULL,
        script TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        concurrency INTEGER NOT NULL,
        state TEXT NOT NULL,
        created_time INTEGER NOT NULL
      )`,
      `CREATE INDEX sweeps_by_state ON sweeps (state, created_time)`,
      // One row per point: its arguments and variables (`point_json`), where it is in the queue,
      // the run its last attempt made, and how often it started.
      `CREATE TABLE sweep_points (
        sweep_id TEXT NOT NULL,
        point_index INTEGER NOT NULL,
        point_json TEXT NOT NULL,
        status TEXT NOT NULL,
        run_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (sweep_id, point_index)
      ) WITHOUT ROWID`,
    ],
  },
  {
    // The runs carrying a tag's value, without a look at every run: the editor's lens finds a
    // file's runs by `mlflow.source.name` (core/store/tracking/taggedRuns.ts). The index holds the
    // primary key (run_id) too, so it answers alone.
    version: 8,
    statements: [`CREATE INDEX tags_by_key_value ON tags (key, value)`],
  },
  {
    // `span.attributes.<key>` filters (core/search/traceSearch.ts): each span's attributes as text
    // beside its outline, so that a search reads no span file. Keyed by trace then key, which is
    // how a search probes it; a span's value once per key.
    version: 9,
    statements: [
      `CREATE TABLE trace_span_attributes (
        trace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        span_id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (trace_id, key, span_id)
      ) WITHOUT ROWID`,
      // A filter few traces meet is answered from the matching values, not by probing every trace.
      `CREATE INDEX trace_span_attributes_by_value ON trace_span_attributes (key, value, trace_id)`,
      // Traces stored before this version: their span files are read once after opening
      // (TraceStore.indexPendingSpanAttributes), as SQL cannot read them here.
      `CREATE TABLE trace_attributes_pending (trace_id TEXT PRIMARY KEY) WITHOUT ROWID`,
      `INSERT INTO trace_attributes_pending (trace_id) SELECT DISTINCT trace_id FROM trace_spans`,
    ],
  },
  {
    // The process that runs each sweep's queue (a window's extension host): a window that comes back
    // takes back only the sweeps whose holder is gone, so two windows never run one sweep
    // (core/sweeps/sweepRecords.ts takeBackSweeps). NULL for a sweep no process has claimed yet.
    version: 10,
    statements: [`ALTER TABLE sweeps ADD COLUMN holder_pid INTEGER`],
  },
  {
    // `span.attributes.<key> ILIKE 'prefix%'` (core/search/traceSearch.ts): the values as lower()
    // folds them, the ASCII case SQLite's LIKE ignores, so the prefix is an index range rather
    // than a read of every value of the key.
    version: 11,
    statements: [`CREATE INDEX trace_span_attributes_by_folded_value ON trace_span_attributes (key, lower(value), trace_id)`],
  },
];
