import type { Migration } from '../schema';

// Version 6: MLflow 3's GenAI traces.

export const tracesV6: readonly Migration[] = [
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
];
