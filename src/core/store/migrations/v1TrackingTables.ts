import type { Migration } from '../schema';

// Version 1: the tracking tables after MLflow's entities (experiments, runs, params, metrics, tags), the model registry, logged models and launches.

export const trackingTablesV1: readonly Migration[] = [
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
];
