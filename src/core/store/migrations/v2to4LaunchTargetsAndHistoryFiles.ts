import type { Migration } from '../schema';

// Versions 2 to 4: a launch's remote target, the history index that answers reads alone, and the histories moved to their own files.

/** The history index of migration 3: its exact text, which the history move builds when it was deferred. */
export const metricsHistoryIndex = 'CREATE INDEX metrics_by_run_key ON metrics (run_id, key, step, timestamp, value, is_nan)';

export const launchTargetsAndHistoryFilesV2toV4: readonly Migration[] = [
  {
    version: 2,
    statements: [
      // A launch that logs straight to a remote MLflow server (runlens.launchTarget): which server,
      // and the run made there; NULL for a launch into this store.
      'ALTER TABLE launches ADD COLUMN remote_json TEXT',
    ],
  },
  {
    version: 3,
    statements: [
      // History reads (get-history, the dashboards' series) take value and is_nan too: with them in
      // the index SQLite answers from the index alone, without a table lookup per point (a third
      // less time for the dashboards' 1M points). The reads order by the index's own columns then
      // its implicit rowid (metricHistory.ts historyOrder), so none sorts: a point that ties on step
      // and timestamp comes by value (NaN, stored as NULL, first), not in the order it was logged.
      'DROP INDEX metrics_by_run_key',
    ],
    // Built at once where `metrics` is empty (a new store). A store that still holds its points
    // builds it at the end of their move to the history files (series/historyMove.ts), over the
    // few rows left: built over every point, in one step, it held the event loop for 3.3 s for
    // 120,000 points (32 s for 1.2M, under load), only for the move to delete them.
    deferred: { statements: [metricsHistoryIndex], when: 'SELECT 1 FROM metrics LIMIT 1' },
  },
  {
    version: 4,
    statements: [
      // Full metric histories leave the sql.js image for the history files (series/seriesFiles.ts,
      // docs/STORAGE.md): `latest_metrics` names each run's metric's file (`series_id`, numbered
      // within the run) and says whether its points were logged in history order (`in_order`: reads
      // then need no sort). `metrics` keeps only the points linked to a model or a dataset, with
      // the point's position in its history (`seq`). An older store's points are moved out on its
      // first open (series/historyMove.ts), series_id NULL marking what is still to move.
      'ALTER TABLE latest_metrics ADD COLUMN series_id INTEGER',
      'ALTER TABLE latest_metrics ADD COLUMN in_order INTEGER NOT NULL DEFAULT 1',
      'ALTER TABLE metrics ADD COLUMN seq INTEGER',
    ],
  },
];
