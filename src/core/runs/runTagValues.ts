import type { KeyValue, Run } from '../entities';
import { CaptureTag } from '../launches/captureTags';

// What the views read from a run's tags: its parent, its note, its code, which tags are MLflow's
// and RunLens's own. The Runs view, the remote tree and the dashboards all read them here.

/** The tags where the launcher (and MLflow itself) record a run's code and notes. */
export const runTags = {
  gitCommit: CaptureTag.GitCommit,
  gitBranch: CaptureTag.GitBranch,
  gitDirty: CaptureTag.GitDirty,
  sourceName: CaptureTag.SourceName,
  command: CaptureTag.Command,
  note: 'mlflow.note.content',
  parentRunId: 'mlflow.parentRunId',
} as const;

/** A run's tags by key. */
export function tagMap(run: Run): ReadonlyMap<string, string> {
  return new Map((run.data.tags ?? []).map((tag) => [tag.key, tag.value] as const));
}

export function parentRunIdOf(run: Run): string | undefined {
  return run.data.tags?.find((tag) => tag.key === runTags.parentRunId)?.value || undefined;
}

export function noteOf(run: Run): string {
  return run.data.tags?.find((tag) => tag.key === runTags.note)?.value ?? '';
}

/** Tags MLflow and RunLens set themselves, which views fold into a group of their own. */
export function isSystemTag(key: string): boolean {
  return key.startsWith('mlflow.') || key.startsWith('runlens.');
}

/** The code a run ran, from the tags the launcher (or MLflow) set; absent fields were not captured. */
export interface RunSource {
  readonly commit?: string;
  readonly branch?: string;
  readonly repositoryUrl?: string;
  readonly dirty?: boolean;
  /** `mlflow.source.name`: the file that ran, workspace-relative when the launcher captured it. */
  readonly file?: string;
  readonly command?: string;
}

export function sourceOf(run: Run): RunSource {
  const tags = tagMap(run);
  const dirty = tags.get(CaptureTag.GitDirty);
  return {
    commit: tags.get(CaptureTag.GitCommit) || undefined,
    branch: tags.get(CaptureTag.GitBranch) || undefined,
    repositoryUrl: tags.get(CaptureTag.GitRepoUrl) || undefined,
    dirty: dirty === undefined ? undefined : dirty.toLowerCase() === 'true' || dirty === '1',
    file: tags.get(CaptureTag.SourceName) || undefined,
    command: tags.get(CaptureTag.Command) || undefined,
  };
}

/** Params, then tags, sorted by key: the order every section and tooltip lists them in. */
export function byKey(entries: readonly KeyValue[] | undefined): KeyValue[] {
  return [...(entries ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
