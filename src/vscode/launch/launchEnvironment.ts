import path from 'node:path';

export interface LaunchEnvironmentOptions {
  /** MLFLOW_TRACKING_URI: the workspace's tracking server. */
  readonly trackingUri: string;
  /** MLFLOW_TRACKING_TOKEN: the launch's own token. */
  readonly token: string;
  /** The folder holding the bundled `runlens` Python module (dist/python). */
  readonly helperPath: string;
  /** The experiment for runs the script does not place itself; Default (or empty) sets nothing. */
  readonly experiment?: string;
}

/**
 * Variables inherited from VS Code's environment that would send the script's requests elsewhere
 * or into another run: basic-auth credentials (the MLflow client prefers them to the token), a run
 * to resume, an experiment id of another server, another model registry.
 */
const inheritedMlflowVariables = [
  'MLFLOW_TRACKING_USERNAME',
  'MLFLOW_TRACKING_PASSWORD',
  'MLFLOW_RUN_ID',
  'MLFLOW_EXPERIMENT_ID',
  'MLFLOW_EXPERIMENT_NAME',
  'MLFLOW_REGISTRY_URI',
];

/** The environment a launched script runs in: VS Code's, pointed at this workspace's tracking server. */
export function launchEnvironment(base: NodeJS.ProcessEnv, options: LaunchEnvironmentOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of inheritedMlflowVariables) delete env[name];
  env.MLFLOW_TRACKING_URI = options.trackingUri;
  env.MLFLOW_TRACKING_TOKEN = options.token;
  env.PYTHONPATH = [options.helperPath, base.PYTHONPATH].filter((entry) => entry).join(path.delimiter);
  // Output through a pipe is block-buffered by default: the terminal and the log would lag by kilobytes.
  env.PYTHONUNBUFFERED = '1';
  if (options.experiment && options.experiment !== 'Default') env.MLFLOW_EXPERIMENT_NAME = options.experiment;
  return env;
}
