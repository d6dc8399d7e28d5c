import type { Run } from '../../core/entities';
import { escapeMarkdown } from './markdownText';
import { duration, formatMetricValue, relativeTime } from './runFormat';
import { byKey, noteOf, sourceOf } from '../../core/runs/runTagValues';

/** How many params and metrics a tooltip lists before "and N more". */
const leading = 6;

/**
 * A run's hover as Markdown source: status, times, code, then the leading params and metrics.
 * Every value from the run is escaped (escapeMarkdown), so a name like `[x](command:...)` or
 * `<img onerror=...>` shows as those characters; the caller renders it untrusted and without HTML.
 */
export function runTooltipMarkdown(run: Run, now: number): string {
  const { info } = run;
  const lines: string[] = [];
  const name = escapeMarkdown(info.run_name || info.run_id);
  lines.push(`**${name}** · ${info.status}${info.lifecycle_stage === 'deleted' ? ' · deleted' : ''}`);

  const started = `Started ${escapeMarkdown(new Date(info.start_time).toLocaleString())} (${relativeTime(info.start_time, now)})`;
  const took =
    info.end_time !== undefined
      ? ` · took ${duration(info.end_time - info.start_time)}`
      : info.status === 'RUNNING'
        ? ` · running for ${duration(now - info.start_time)}`
        : '';
  lines.push(started + took);

  const source = sourceOf(run);
  if (source.commit) {
    const dirty = source.dirty ? ' with uncommitted changes' : source.dirty === false ? ', clean' : '';
    const branch = source.branch ? ` on ${escapeMarkdown(source.branch)}` : '';
    lines.push(`Commit ${escapeMarkdown(source.commit.slice(0, 8))}${dirty}${branch}`);
  }
  if (source.file) lines.push(`File ${escapeMarkdown(source.file)}`);

  const params = byKey(run.data.params);
  if (params.length > 0) lines.push(`Params: ${listed(params.map((p) => `${escapeMarkdown(p.key, 60)} = ${escapeMarkdown(p.value, 60)}`))}`);
  const metrics = [...(run.data.metrics ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (metrics.length > 0) {
    lines.push(`Metrics: ${listed(metrics.map((m) => `${escapeMarkdown(m.key, 60)} = ${escapeMarkdown(formatMetricValue(m.value))}`))}`);
  }
  const note = noteOf(run);
  if (note) lines.push(`Note: ${escapeMarkdown(note, 300)}`);
  lines.push(`Run ID ${escapeMarkdown(info.run_id)}`);
  return lines.join('\n\n');
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, leading).join(', ');
  return items.length > leading ? `${shown}, and ${items.length - leading} more` : shown;
}
