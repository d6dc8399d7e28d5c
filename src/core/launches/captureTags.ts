import { LaunchTag } from './launchTags';

/** Run tags the capture sets: MLflow's system tag names where MLflow has one, `runlens.*` for the rest. */
export const CaptureTag = {
  SourceName: 'mlflow.source.name',
  SourceType: 'mlflow.source.type',
  GitCommit: 'mlflow.source.git.commit',
  GitBranch: 'mlflow.source.git.branch',
  GitRepoUrl: 'mlflow.source.git.repoURL',
  User: 'mlflow.user',
  GitDirty: 'runlens.git.dirty',
  GitDetached: 'runlens.git.detached',
  FileSha256: 'runlens.file.sha256',
  Command: 'runlens.command',
  Args: 'runlens.args',
  Cwd: 'runlens.cwd',
  PythonPath: 'runlens.python.path',
  PythonVersion: 'runlens.python.version',
  Host: 'runlens.host',
  Platform: 'runlens.platform',
  Version: 'runlens.version',
  EnvSha256: 'runlens.env.sha256',
  Reproduces: 'runlens.reproduces',
  LaunchId: LaunchTag.LaunchId,
} as const;
