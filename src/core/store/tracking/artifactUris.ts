/**
 * Where a new experiment, run or logged model keeps its artifacts. `mlflow-artifacts:` URIs make
 * the MLflow client upload through the server's artifact routes, which keep them in the store.
 */
export function experimentArtifactLocation(experimentId: number): string {
  return `mlflow-artifacts:/${experimentId}`;
}

export function runArtifactUri(experimentLocation: string, runId: string): string {
  return appendToUri(experimentLocation, runId, 'artifacts');
}

export function loggedModelArtifactUri(experimentLocation: string, modelId: string): string {
  return appendToUri(experimentLocation, 'models', modelId, 'artifacts');
}

/** Where the client would upload a trace's `traces.json` when its spans are not in the tracking store. */
export function traceArtifactUri(experimentLocation: string, traceId: string): string {
  return appendToUri(experimentLocation, 'traces', traceId, 'artifacts');
}

function appendToUri(base: string, ...segments: string[]): string {
  return [base.replace(/\/+$/, ''), ...segments].join('/');
}
