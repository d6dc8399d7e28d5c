import type { Run } from '../../core/entities';
import type { MetricSummary } from '../../protocol/dashboards/shapes';
import { CommandId } from '../contributions';
import { formatMetricValue } from './runFormat';
import type { FieldNode, RunNode, SectionKind, SectionNode } from './runsTreeNodes';
import { byKey, isSystemTag, sourceOf } from '../../core/runs/runTagValues';
import { singleLine, truncate } from './markdownText';

const maxDescriptionLength = 120;

/** The sections a run shows, in order; the empty ones are left out (artifacts are listed lazily, so always shown). */
export function sectionsOf(run: Run): SectionKind[] {
  const sections: SectionKind[] = [];
  if ((run.data.params?.length ?? 0) > 0) sections.push('params');
  if ((run.data.metrics?.length ?? 0) > 0) sections.push('metrics');
  if ((run.data.tags?.length ?? 0) > 0) sections.push('tags');
  sections.push('artifacts');
  if (Object.values(sourceOf(run)).some((value) => value !== undefined)) sections.push('source');
  return sections;
}

/** How many entries a section holds, for its description; undefined where it is not known without reading. */
export function sectionSize(run: Run, section: SectionKind): number | undefined {
  switch (section) {
    case 'params':
      return run.data.params?.length ?? 0;
    case 'metrics':
      return run.data.metrics?.length ?? 0;
    case 'tags':
      return (run.data.tags ?? []).filter((t) => !isSystemTag(t.key)).length;
    case 'systemTags':
      return (run.data.tags ?? []).filter((t) => isSystemTag(t.key)).length;
    default:
      return undefined;
  }
}

export function paramFields(section: SectionNode): FieldNode[] {
  return byKey(section.run.run.data.params).map(({ key, value }) => field(section, 'param', key, key, value));
}

/** Metrics with their latest value; min, max and the number of points in the hover (from the store's summaries). */
export function metricFields(section: SectionNode, summaries: ReadonlyMap<string, MetricSummary> | undefined): FieldNode[] {
  const metrics = [...(section.run.run.data.metrics ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return metrics.map((metric) => {
    const summary = summaries?.get(metric.key);
    const detail = summary
      ? [
          `${metric.key}`,
          `latest ${formatMetricValue(summary.last)} at step ${summary.lastStep}`,
          `min ${formatMetricValue(summary.min)} · max ${formatMetricValue(summary.max)}`,
          `${summary.points} point${summary.points === 1 ? '' : 's'}`,
        ].join('\n')
      : `${metric.key}\nlatest ${formatMetricValue(metric.value)} at step ${metric.step}`;
    return { ...field(section, 'metric', metric.key, metric.key, `${formatMetricValue(metric.value)} (step ${metric.step})`), detail };
  });
}

/** User tags; the tags MLflow and RunLens set themselves follow in a group of their own. */
export function tagFields(section: SectionNode, system: boolean): FieldNode[] {
  return byKey(section.run.run.data.tags)
    .filter((tag) => isSystemTag(tag.key) === system)
    .map(({ key, value }) => field(section, 'tag', key, key, value));
}

/** The code the run ran, each fact with the action that shows it. */
export function sourceFields(section: SectionNode): FieldNode[] {
  const runNode: RunNode = section.run;
  const source = sourceOf(runNode.run);
  const openSource = { command: CommandId.OpenRunSource, title: 'Open Source File as It Was', arguments: [runNode.runId] };
  const openDiff = { command: CommandId.OpenRunDiff, title: 'Open Captured Diff', arguments: [runNode.runId] };
  const fields: FieldNode[] = [];
  if (source.file) fields.push({ ...field(section, 'source', 'file', 'File', source.file), action: openSource });
  if (source.commit) fields.push({ ...field(section, 'source', 'commit', 'Commit', source.commit.slice(0, 12)), detail: source.commit });
  if (source.branch) fields.push(field(section, 'source', 'branch', 'Branch', source.branch));
  if (source.dirty !== undefined) {
    const dirty = field(section, 'source', 'dirty', 'Uncommitted changes', source.dirty ? 'yes: open the captured diff' : 'none');
    fields.push(source.dirty ? { ...dirty, action: openDiff } : dirty);
  }
  if (source.repositoryUrl) fields.push(field(section, 'source', 'repository', 'Repository', source.repositoryUrl));
  if (source.command) fields.push(field(section, 'source', 'command', 'Command', source.command));
  return fields;
}

function field(section: SectionNode, role: FieldNode['role'], key: string, label: string, value: string): FieldNode {
  const shown = truncate(singleLine(value), maxDescriptionLength);
  return {
    kind: 'field',
    id: `${section.id}/${key}`,
    parent: section,
    role,
    key,
    label,
    value: shown,
    ...(shown !== value ? { detail: value } : {}),
  };
}
