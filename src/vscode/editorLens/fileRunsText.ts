import { metricValue, type FileRuns } from '../../core/editorLens/fileRuns';
import type { Run } from '../../core/entities';
import { CommandId } from '../contributions';
import { escapeMarkdown, singleLine, truncate } from '../runs/markdownText';
import { formatMetricValue, relativeTime } from '../runs/runFormat';
import type { LoggedKey } from '../../core/editorLens/loggedKeys';

/** How many of the best run's params the summary names: those that differ between the file's runs. */
const namedParams = 2;
/** Rows of a key's hover. */
export const hoverRows = 10;

/**
 * The summary lens's title: "12 runs · last FINISHED 2 min ago · best mse 0.0104 (lr=0.01)". The
 * params named are the best run's values of those that vary among the newest runs: what set it
 * apart. Run data is plain text here, and `$(` is broken so that it cannot show as an icon.
 */
export function summaryText(runs: FileRuns, now: number): string {
  const newest = runs.recent[0];
  const parts = [`${runs.total} run${runs.total === 1 ? '' : 's'}`];
  if (newest) parts.push(`last ${newest.info.status} ${relativeTime(newest.info.end_time ?? newest.info.start_time, now)}`);
  const bestValue = runs.best && runs.primary && metricValue(runs.best, runs.primary.key);
  if (runs.best && runs.primary && bestValue !== undefined) {
    const params = differingParams(runs.recent, runs.best).slice(0, namedParams);
    const why = params.length > 0 ? ` (${params.map((p) => `${truncate(p.key, 30)}=${truncate(p.value, 30)}`).join(', ')})` : '';
    parts.push(`best ${truncate(runs.primary.key, 40)} ${formatMetricValue(bestValue)}${why}`);
  }
  return singleLine(parts.join(' · ')).replace(/\$\(/g, '$\u200b(');
}

/** The lens's tooltip: what the figures are and what a click does. */
export function summaryTooltip(runs: FileRuns): string {
  const metric = runs.primary ? ` The best run is the one with the ${runs.primary.direction} ${runs.primary.key} (the experiment's primary metric).` : '';
  return `The runs of this file in the store.${metric} Click to open the experiment dashboard filtered to this file's runs.`;
}

/** The best run's params whose values are not the same in every one of `runs`. */
function differingParams(runs: readonly Run[], best: Run): { key: string; value: string }[] {
  return (best.data.params ?? [])
    .filter(({ key, value }) => runs.some((run) => paramValue(run, key) !== value))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function paramValue(run: Run, key: string): string | undefined {
  return run.data.params?.find((p) => p.key === key)?.value;
}

/** The value a run logged for the hovered key, as text; undefined when it did not log it. */
function valueOf(run: Run, key: LoggedKey): string | undefined {
  if (key.kind === 'metric') {
    const value = run.data.metrics?.find((m) => m.key === key.key)?.value;
    return value === undefined ? undefined : formatMetricValue(value);
  }
  return paramValue(run, key.key);
}

/** Whether the file's newest runs logged the key: an argparse option is hovered only when its dest is a param of theirs. */
export function runsLogged(runs: FileRuns, key: LoggedKey): boolean {
  return runs.recent.some((run) => valueOf(run, key) !== undefined);
}

export interface KeyHover {
  readonly key: LoggedKey;
  readonly runs: FileRuns;
  /** A `data:` URI of the newest run's sparkline of the metric, when it has one. */
  readonly sparkline?: string;
  readonly now: number;
}

/**
 * A key's hover as Markdown: its values in the file's newest runs with their primary metric, the
 * best run starred, a sparkline of a metric's newest run, links to open a run or compare them.
 * Every value from a run goes through escapeMarkdown; the caller trusts only RunLens's commands
 * and renders no HTML.
 */
export function keyHoverMarkdown({ key, runs, sparkline, now }: KeyHover): string {
  const rows = runs.recent.filter((run) => valueOf(run, key) !== undefined).slice(0, hoverRows);
  const primary = runs.primary && runs.primary.key !== key.key ? runs.primary : undefined;
  const what = key.kind === 'metric' ? 'metric' : 'param';
  const lines = [`**${escapeMarkdown(key.key, 80)}** (${what}) in the newest ${rows.length} of ${runs.total} run${runs.total === 1 ? '' : 's'} of this file`];
  if (sparkline) lines.push(`![${escapeMarkdown(key.key, 80)} by step in the newest run](${sparkline})`);
  const header = ['', 'run', 'started', escapeMarkdown(key.key, 40), ...(primary ? [escapeMarkdown(primary.key, 40)] : [])];
  const table = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  const bestId = runs.best?.info.run_id;
  for (const run of rows) {
    const value = valueOf(run, key) ?? '';
    const cells = [
      run.info.run_id === bestId ? '★' : '',
      `${commandLink(escapeMarkdown(run.info.run_name || run.info.run_id, 40), CommandId.OpenRunDashboard, [run.info.run_id])} ${run.info.status === 'FINISHED' ? '' : run.info.status}`,
      relativeTime(run.info.start_time, now),
      escapeMarkdown(value, 40),
      ...(primary ? [formatted(metricValue(run, primary.key))] : []),
    ];
    table.push(`| ${cells.join(' | ')} |`);
  }
  lines.push(table.join('\n'));
  const best = runs.best;
  const bestValue = best && runs.primary ? metricValue(best, runs.primary.key) : undefined;
  if (best && runs.primary && bestValue !== undefined && !rows.some((run) => run.info.run_id === best.info.run_id)) {
    const bestKey = valueOf(best, key);
    lines.push(
      `★ Best of all: ${commandLink(escapeMarkdown(best.info.run_name || best.info.run_id, 40), CommandId.OpenRunDashboard, [best.info.run_id])}, ` +
        `${escapeMarkdown(runs.primary.key, 40)} ${formatMetricValue(bestValue)}${bestKey === undefined ? '' : `, ${escapeMarkdown(key.key, 40)} = ${escapeMarkdown(bestKey, 40)}`}`,
    );
  }
  const compared = rows.map((run) => run.info.run_id);
  if (compared.length >= 2) lines.push(commandLink('Compare these runs', CommandId.CompareRuns, [compared]));
  return lines.join('\n\n');
}

function formatted(value: number | undefined): string {
  return value === undefined ? '' : escapeMarkdown(formatMetricValue(value));
}

/** `[label](command:id?args)`: `label` must already be escaped; the arguments are JSON, URI-encoded. */
function commandLink(label: string, command: string, args: readonly unknown[]): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}
