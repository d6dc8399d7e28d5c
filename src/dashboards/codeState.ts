import type { RunCodeState } from '../protocol/dashboards/shapes';

/** The tags where the launcher (and MLflow itself) record a run's code and notes. */
export const runTags = {
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  gitDirty: 'runlens.git.dirty',
  sourceName: 'mlflow.source.name',
  command: 'runlens.command',
  note: 'mlflow.note.content',
  parentRunId: 'mlflow.parentRunId',
} as const;

/** Artifacts the launcher writes beside what the script logs. */
export const runArtifacts = {
  outputLog: 'runlens/output.log',
  /** Where the captured uncommitted diff lives: the first `.patch` or `.diff` file in here. */
  launchFolder: 'runlens/',
} as const;

export function isPatchArtifact(path: string): boolean {
  return path.startsWith(runArtifacts.launchFolder) && /\.(patch|diff)$/.test(path);
}

export function codeStateOf(tags: ReadonlyMap<string, string>): RunCodeState {
  const dirty = tags.get(runTags.gitDirty);
  return {
    ...optional('commit', tags.get(runTags.gitCommit)),
    ...optional('branch', tags.get(runTags.gitBranch)),
    ...(dirty === undefined ? {} : { dirty: dirty.toLowerCase() === 'true' || dirty === '1' }),
    ...optional('sourceFile', tags.get(runTags.sourceName)),
    ...optional('command', tags.get(runTags.command)),
  };
}

/** Tags MLflow and RunLens set themselves, which views may fold away. */
export function isSystemTag(key: string): boolean {
  return key.startsWith('mlflow.') || key.startsWith('runlens.');
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
