/** Tags RunLens sets on a launched run beyond the capture's own (src/capture/tags.ts, which shares the launch id key). */
export const LaunchTag = {
  /** The launch a run belongs to; on a remote server, how RunLens tells the launch's runs from others. */
  LaunchId: 'runlens.launch.id',
  /** The process's exit code, when it exited with one. */
  ExitCode: 'runlens.exitCode',
  /** The signal that ended the process, when a signal did. */
  ExitSignal: 'runlens.exitSignal',
  /** Why RunLens ended the run itself, in words. */
  Note: 'runlens.note',
  /** MLflow's run description; set only when the run has none, never overwritten. */
  MlflowNote: 'mlflow.note.content',
} as const;

/** The run artifacts a launch keeps beside what the script logs, under `runlens/`. */
export const LaunchArtifact = {
  OutputLog: 'runlens/output.log',
  Diff: 'runlens/diff.patch',
  Requirements: 'runlens/requirements.txt',
  /** Folder for a copy of the script, kept when the commit alone does not reproduce it. */
  SourceFolder: 'runlens/source',
} as const;
