import type { Migration } from '../schema';

// Version 5: MLflow 3's evaluation datasets, scorers, and logged models' metrics.

export const evaluationDatasetsV5: readonly Migration[] = [
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
];
