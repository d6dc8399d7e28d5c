import type { Run } from '../entities';
import type { EndedLaunch } from './launchService';

const parentRunTag = 'mlflow.parentRunId';
const statusWords = { FINISHED: 'finished', FAILED: 'failed', KILLED: 'was stopped' } as const;

/** The run a launch is known by: its first top-level run (nested runs are its children). */
export function mainRun(runs: readonly Run[]): Run | undefined {
  return runs.find((run) => !run.data.tags?.some((tag) => tag.key === parentRunTag)) ?? runs[0];
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const wholeSeconds = Math.round(seconds);
  const minutes = Math.floor(wholeSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(wholeSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Up to `count` latest metric values of a run, as `key value`, in key order. */
export function latestMetrics(run: Run | undefined, count = 3): string[] {
  const metrics = [...(run?.data.metrics ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return metrics.slice(0, count).map((metric) => `${metric.key} ${formatValue(metric.value)}`);
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}

function exitDetail(ended: EndedLaunch): string {
  if (ended.status === 'FINISHED') return '';
  if (ended.exitCode !== undefined) return ` (exit code ${ended.exitCode})`;
  return ended.signal !== undefined ? ` (${ended.signal})` : '';
}

/** The notification when a launch ends: what ran, how it ended, how long it took, its latest metrics. */
export function endMessage(label: string, ended: EndedLaunch): string {
  const run = mainRun(ended.runs);
  const named = run ? ` (run ${run.info.run_name})` : '';
  const parts = [
    `RunLens: ${label}${named} ${statusWords[ended.status]}${exitDetail(ended)} in ${formatDuration(ended.endedTime - ended.createdTime)}`,
    ...latestMetrics(run),
  ];
  return parts.join(' · ');
}

/** The last line in the launch's terminal. */
export function terminalSummary(ended: EndedLaunch): string {
  const runs = ended.runs.length === 1 ? '1 run' : `${ended.runs.length} runs`;
  return `RunLens: ${ended.status}${exitDetail(ended)} after ${formatDuration(ended.endedTime - ended.createdTime)}; ${runs} recorded.`;
}
