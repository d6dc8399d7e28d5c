import type { TraceSummary } from '../../core/traces/traceReads';

/** "120 ms", "3.4 s", "2 min 5 s". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return 'in progress';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The sidebar's line for a trace: status, latency, spans and tokens. */
export function traceDescription(trace: TraceSummary): string {
  const parts = [trace.state === 'OK' ? undefined : trace.state.toLowerCase().replace('_', ' '), formatLatency(trace.executionMs), `${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'}`];
  const tokens = trace.inputTokens + trace.outputTokens;
  if (tokens > 0) parts.push(`${tokens} tokens`);
  return parts.filter((part) => part !== undefined).join(' · ');
}
