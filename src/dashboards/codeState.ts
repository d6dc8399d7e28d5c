import { runTags } from '../core/runs/runTagValues';
import type { RunCodeState } from '../protocol/dashboards/shapes';

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

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
