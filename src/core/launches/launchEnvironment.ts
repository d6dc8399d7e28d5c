import path from 'node:path';

export interface LaunchEnvironmentOptions {
  /** MLFLOW_TRACKING_URI: the workspace's tracking server, or the remote server the launch logs to. */
  readonly trackingUri: string;
  /** MLFLOW_TRACKING_TOKEN: the launch's own token, or the remote server's. */
  readonly token?: string;
  /** MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD: a remote server's basic authentication. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** The folder holding the bundled `runlens` Python module (dist/python). */
  readonly helperPath: string;
  /** The experiment for runs the script does not place itself; Default (or empty) sets nothing. */
  readonly experiment?: string;
  /**
   * A launch to a remote server: the run made there beforehand, which the script's first
   * `start_run()` resumes (MLFLOW_RUN_ID), and its experiment (MLFLOW_EXPERIMENT_ID, in place of `experiment`).
   */
  readonly run?: { readonly runId: string; readonly experimentId: string };
  /** MLFLOW_RUN_CONTEXT: tags that MLflow's client (and the helper) put on every run they start. */
  readonly runTags?: Readonly<Record<string, string>>;
}

/**
 * Variables inherited from VS Code's environment that would send the script's requests elsewhere
 * or into another run: credentials of another server (the MLflow client prefers basic auth to the
 * token), a run to resume, an experiment id of another server, another model registry, tags of
 * another launcher.
 */
const inheritedMlflowVariables = [
  'MLFLOW_TRACKING_TOKEN',
  'MLFLOW_TRACKING_USERNAME',
  'MLFLOW_TRACKING_PASSWORD',
  'MLFLOW_RUN_ID',
  'MLFLOW_EXPERIMENT_ID',
  'MLFLOW_EXPERIMENT_NAME',
  'MLFLOW_REGISTRY_URI',
  'MLFLOW_RUN_CONTEXT',
];

/** The environment a launched script runs in: VS Code's, pointed at this workspace's tracking server. */
export function launchEnvironment(base: NodeJS.ProcessEnv, options: LaunchEnvironmentOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of inheritedMlflowVariables) delete env[name];
  env.MLFLOW_TRACKING_URI = options.trackingUri;
  if (options.token) env.MLFLOW_TRACKING_TOKEN = options.token;
  if (options.basicAuth) {
    env.MLFLOW_TRACKING_USERNAME = options.basicAuth.username;
    env.MLFLOW_TRACKING_PASSWORD = options.basicAuth.password;
  }
  env.PYTHONPATH = [options.helperPath, base.PYTHONPATH].filter((entry) => entry).join(path.delimiter);
  // Output through a pipe is block-buffered by default: the terminal and the log would lag by kilobytes.
  env.PYTHONUNBUFFERED = '1';
  if (options.run) {
    env.MLFLOW_RUN_ID = options.run.runId;
    env.MLFLOW_EXPERIMENT_ID = options.run.experimentId;
  } else if (options.experiment && options.experiment !== 'Default') {
    env.MLFLOW_EXPERIMENT_NAME = options.experiment;
  }
  if (options.runTags) env.MLFLOW_RUN_CONTEXT = JSON.stringify(options.runTags);
  return env;
}
