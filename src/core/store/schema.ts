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
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE experiments (
        experiment_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        artifact_location TEXT NOT NULL,
        lifecycle_stage TEXT NOT NULL DEFAULT 'active',
        creation_time INTEGER NOT NULL,
        last_update_time INTEGER NOT NULL
      )`,
      `CREATE TABLE experiment_tags (
        experiment_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (experiment_id, key)
      )`,
      `CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        start_time INTEGER NOT NULL,
        end_time INTEGER,
        lifecycle_stage TEXT NOT NULL DEFAULT 'active',
        artifact_uri TEXT NOT NULL,
        deleted_time INTEGER,
        launch_id TEXT
      )`,
      `CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC, run_id)`,
      `CREATE INDEX runs_by_launch ON runs (launch_id) WHERE launch_id IS NOT NULL`,
      `CREATE TABLE params (
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID`,
      `CREATE TABLE tags (
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID`,
      // Full metric history. A point identical to one already logged is stored once, as MLflow does
      // (the store checks; the client re-logs a run's metrics with the model id after log_model).
      `CREATE TABLE metrics (
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value REAL,
        is_nan INTEGER NOT NULL DEFAULT 0,
        timestamp INTEGER NOT NULL,
        step INTEGER NOT NULL DEFAULT 0,
        model_id TEXT,
        dataset_name TEXT,
        dataset_digest TEXT
      )`,
      `CREATE INDEX metrics_by_run_key ON metrics (run_id, key, step, timestamp)`,
      // Logged-model search filters and orders by the metrics logged against a model.
      `CREATE INDEX metrics_by_model ON metrics (model_id, key) WHERE model_id IS NOT NULL`,
      // The latest point per key (greatest step, then timestamp, as MLflow), plus the summary the
      // sidebar and dashboards show without reading the history.
      `CREATE TABLE latest_metrics (
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value REAL,
        is_nan INTEGER NOT NULL DEFAULT 0,
        timestamp INTEGER NOT NULL,
        step INTEGER NOT NULL,
        min_value REAL,
        max_value REAL,
        point_count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID`,
      `CREATE TABLE datasets (
        dataset_id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        source_type TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        schema TEXT,
        profile TEXT,
        UNIQUE (experiment_id, name, digest)
      )`,
      `CREATE TABLE run_inputs (
        run_id TEXT NOT NULL,
        dataset_id TEXT NOT NULL,
        tags_json TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (run_id, dataset_id)
      ) WITHOUT ROWID`,
      `CREATE TABLE run_model_inputs (
        run_id TEXT NOT NULL,
        model_id TEXT NOT NULL,
        PRIMARY KEY (run_id, model_id)
      ) WITHOUT ROWID`,
      `CREATE TABLE run_outputs (
        run_id TEXT NOT NULL,
        model_id TEXT NOT NULL,
        step INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, model_id)
      ) WITHOUT ROWID`,
      `CREATE TABLE logged_models (
        model_id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        artifact_location TEXT NOT NULL,
        creation_timestamp_ms INTEGER NOT NULL,
        last_updated_timestamp_ms INTEGER NOT NULL,
        status TEXT NOT NULL,
        status_message TEXT NOT NULL DEFAULT '',
        lifecycle_stage TEXT NOT NULL DEFAULT 'active',
        model_type TEXT NOT NULL DEFAULT '',
        source_run_id TEXT NOT NULL DEFAULT ''
      )`,
      `CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp_ms DESC)`,
      `CREATE TABLE logged_model_params (
        model_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (model_id, key)
      ) WITHOUT ROWID`,
      `CREATE TABLE logged_model_tags (
        model_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (model_id, key)
      ) WITHOUT ROWID`,
      `CREATE TABLE registered_models (
        name TEXT PRIMARY KEY,
        creation_time INTEGER NOT NULL,
        last_updated_time INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT ''
      )`,
      `CREATE TABLE registered_model_tags (
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, key)
      ) WITHOUT ROWID`,
      `CREATE TABLE model_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        creation_time INTEGER NOT NULL,
        last_updated_time INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL DEFAULT '',
        current_stage TEXT NOT NULL DEFAULT 'None',
        source TEXT NOT NULL DEFAULT '',
        run_id TEXT NOT NULL DEFAULT '',
        run_link TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'READY',
        status_message TEXT NOT NULL DEFAULT '',
        storage_location TEXT NOT NULL DEFAULT '',
        model_id TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (name, version)
      )`,
      `CREATE TABLE model_version_tags (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, version, key)
      ) WITHOUT ROWID`,
      `CREATE TABLE registered_model_aliases (
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (name, alias)
      ) WITHOUT ROWID`,
      // What RunLens captured when it launched a script (issue: launch). The token ties the runs a
      // launched process creates to this record; only its SHA-256 is kept.
      `CREATE TABLE launches (
        launch_id TEXT PRIMARY KEY,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_time INTEGER NOT NULL,
        ended_time INTEGER,
        status TEXT NOT NULL DEFAULT 'RUNNING',
        exit_code INTEGER,
        pid INTEGER,
        capture_json TEXT NOT NULL DEFAULT '{}'
      )`,
    ],
  },
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
      // The rebuild is paid once, at the first open: about 3 s for a store of 1M points here.
      'DROP INDEX metrics_by_run_key',
      'CREATE INDEX metrics_by_run_key ON metrics (run_id, key, step, timestamp, value, is_nan)',
    ],
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
  {
    // MLflow 3's evaluation datasets, scorers, and the
    // metrics linked to logged models in a table of their own, as MLflow's logged_model_metrics.
    version: 5,
    statements: [
      // Evaluation datasets (/api/3.0/mlflow/datasets): `schema` and `profile` are JSON text the
      // server derives from the records; `digest` changes whenever the records do.
      `CREATE TABLE evaluation_datasets (
        dataset_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        schema TEXT,
        profile TEXT,
        created_time INTEGER NOT NULL,
        last_update_time INTEGER NOT NULL,
        created_by TEXT,
        last_updated_by TEXT
      )`,
      'CREATE INDEX evaluation_datasets_by_created ON evaluation_datasets (created_time DESC, dataset_id)',
      // Tags keep their rowid order: MLflow answers them as a JSON object in insertion order.
      `CREATE TABLE evaluation_dataset_tags (
        dataset_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (dataset_id, key)
      )`,
      `CREATE TABLE evaluation_dataset_experiments (
        dataset_id TEXT NOT NULL,
        experiment_id INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, experiment_id)
      ) WITHOUT ROWID`,
      'CREATE INDEX evaluation_dataset_experiments_by_experiment ON evaluation_dataset_experiments (experiment_id, dataset_id)',
      // One record per distinct `inputs` (its canonical JSON in input_key): an upsert with the same
      // inputs updates the record. JSON columns hold what the client sent.
      `CREATE TABLE evaluation_dataset_records (
        dataset_record_id TEXT PRIMARY KEY,
        dataset_id TEXT NOT NULL,
        input_key TEXT NOT NULL,
        inputs_json TEXT NOT NULL,
        expectations_json TEXT,
        outputs_json TEXT,
        tags_json TEXT,
        source_json TEXT,
        source_type TEXT,
        source_id TEXT,
        created_time INTEGER NOT NULL,
        last_update_time INTEGER NOT NULL,
        created_by TEXT,
        last_updated_by TEXT,
        UNIQUE (dataset_id, input_key)
      )`,
      'CREATE INDEX evaluation_dataset_records_in_order ON evaluation_dataset_records (dataset_id, created_time, dataset_record_id)',
      // Scorers (/api/3.0/mlflow/scorers): a name per experiment, versions numbered from 1.
      `CREATE TABLE scorers (
        scorer_id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL,
        scorer_name TEXT NOT NULL,
        UNIQUE (experiment_id, scorer_name)
      )`,
      `CREATE TABLE scorer_versions (
        scorer_id TEXT NOT NULL,
        scorer_version INTEGER NOT NULL,
        serialized_scorer TEXT NOT NULL,
        creation_time INTEGER NOT NULL,
        PRIMARY KEY (scorer_id, scorer_version)
      ) WITHOUT ROWID`,
      // A logged model's metrics (log-metric/log-batch with model_id), kept apart from the run's
      // metric history wherever that lives, as MLflow's logged_model_metrics. MLflow's key (model,
      // name, timestamp, step, run) would keep one of two points that differ only in value; here
      // each distinct point is kept once, NaN (stored as NULL, is_nan = 1) included.
      `CREATE TABLE logged_model_metrics (
        model_id TEXT NOT NULL,
        metric_name TEXT NOT NULL,
        metric_timestamp_ms INTEGER NOT NULL,
        metric_step INTEGER NOT NULL,
        metric_value REAL,
        is_nan INTEGER NOT NULL DEFAULT 0,
        run_id TEXT NOT NULL,
        dataset_name TEXT,
        dataset_digest TEXT
      )`,
      `CREATE UNIQUE INDEX logged_model_metrics_by_model ON logged_model_metrics
        (model_id, metric_name, metric_step, metric_timestamp_ms, run_id, is_nan, IFNULL(metric_value, 0))`,
      // Stores made before this version kept the link on the metric points only: copy it over.
      `INSERT OR IGNORE INTO logged_model_metrics
        (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, is_nan, run_id, dataset_name, dataset_digest)
       SELECT model_id, key, timestamp, step, value, is_nan, run_id, dataset_name, dataset_digest
       FROM metrics WHERE model_id IS NOT NULL ORDER BY rowid`,
    ],
  },
  {
    // MLflow 3's GenAI traces.
    version: 6,
    statements: [
      // One row per trace (MLflow's TraceInfoV3). Times in ms; `execution_ms` is NULL while a
      // trace is in progress. The spans themselves live in files (core/traces/spanFiles.ts): the
      // table keeps only what searches and the sidebar read.
      `CREATE TABLE traces (
        trace_id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL,
        request_time INTEGER NOT NULL,
        execution_ms INTEGER,
        state TEXT NOT NULL,
        request_preview TEXT NOT NULL DEFAULT '',
        response_preview TEXT NOT NULL DEFAULT '',
        client_request_id TEXT,
        info_logged INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX traces_by_experiment ON traces (experiment_id, request_time DESC, trace_id)`,
      // Searches ordered by latency walk this index and stop at a page, as the default order does.
      `CREATE INDEX traces_by_latency ON traces (experiment_id, execution_ms, request_time, trace_id)`,
      `CREATE TABLE trace_tags (
        trace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (trace_id, key)
      ) WITHOUT ROWID`,
      `CREATE TABLE trace_metadata (
        trace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (trace_id, key)
      ) WITHOUT ROWID`,
      `CREATE INDEX trace_metadata_by_value ON trace_metadata (key, value)`,
      // A span's outline (for span.* filters, the sidebar's counts and token totals); its inputs,
      // outputs, attributes and events are in the trace's span file.
      `CREATE TABLE trace_spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        span_type TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT '',
        start_ns TEXT NOT NULL,
        end_ns TEXT NOT NULL,
        input_tokens INTEGER,
        output_tokens INTEGER,
        function_name TEXT,
        PRIMARY KEY (trace_id, span_id)
      ) WITHOUT ROWID`,
      `CREATE INDEX trace_spans_by_name ON trace_spans (name, trace_id)`,
      // link-to-run: runs a trace belongs to besides its mlflow.sourceRun.
      `CREATE TABLE trace_run_links (
        trace_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (trace_id, run_id)
      ) WITHOUT ROWID`,
      `CREATE INDEX trace_run_links_by_run ON trace_run_links (run_id, trace_id)`,
      // Feedback and expectations; `body` is the assessment's JSON as the client sent it, less
      // the columns (which are the truth for what they hold).
      `CREATE TABLE assessments (
        assessment_id TEXT PRIMARY KEY,
        trace_id TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        value_text TEXT,
        create_time INTEGER NOT NULL,
        last_update_time INTEGER NOT NULL,
        valid INTEGER NOT NULL DEFAULT 1,
        body TEXT NOT NULL
      )`,
      `CREATE INDEX assessments_by_trace ON assessments (trace_id, create_time)`,
    ],
  },
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
];
