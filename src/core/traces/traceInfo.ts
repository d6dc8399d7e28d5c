/**
 * MLflow 3's TraceInfo as the v3 REST API carries it (proto3 JSON, proto field names), and the
 * pieces a caller hands the store to write one. Times on the wire are proto Timestamp/Duration
 * strings (protoTime.ts); the store keeps milliseconds.
 */
export interface TraceInfo {
  readonly trace_id: string;
  readonly client_request_id?: string;
  readonly trace_location: { readonly type: 'MLFLOW_EXPERIMENT'; readonly mlflow_experiment: { readonly experiment_id: string } };
  readonly request_time: string;
  readonly execution_duration?: string;
  readonly state: TraceState;
  readonly trace_metadata: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly assessments?: readonly Assessment[];
  readonly request_preview?: string;
  readonly response_preview?: string;
}

export const traceStates = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
export type TraceState = (typeof traceStates)[number];

/** Feedback or an expectation, as the client sends and reads it; the store owns id, times and `valid`. */
export type Assessment = Readonly<Record<string, unknown>> & {
  readonly assessment_id: string;
  readonly assessment_name: string;
  readonly trace_id: string;
};

export interface StartTraceInput {
  readonly traceId: string;
  readonly experimentId: string;
  readonly requestTimeMs: number;
  /** Absent while the trace is in progress. */
  readonly executionMs?: number;
  readonly state: TraceState;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly requestPreview?: string;
  readonly responsePreview?: string;
  readonly clientRequestId?: string;
}

/** Server-owned tags (MLflow's TraceTagKey): where spans live, and where an artifact upload would go. */
export const traceTagKeys = {
  spansLocation: 'mlflow.trace.spansLocation',
  artifactLocation: 'mlflow.artifactLocation',
  traceName: 'mlflow.traceName',
} as const;

export const traceMetadataKeys = {
  sourceRun: 'mlflow.sourceRun',
  sizeStats: 'mlflow.trace.sizeStats',
} as const;

/** The tag value that tells the client its OTLP spans are stored and `batchGet` serves them. */
export const spansInTrackingStore = 'TRACKING_STORE';
