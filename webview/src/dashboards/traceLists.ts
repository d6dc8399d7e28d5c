import type { CompareRun } from '../../../src/protocol/dashboards/compareRequests';
import type { RunTracesModel, TraceListItem } from '../../../src/protocol/traceDashboard';
import { dataGrid } from '../components/dataGrid';
import { el } from '../components/dom';
import { tag } from '../components/tag';
import type { DashboardContext } from './context';
import { formatMs, formatTime } from './format';
import { dashboardLink } from './navigation';

/** A trace's state as a tag coloured as run statuses are. */
export function traceStateTag(state: string): HTMLElement {
  return tag(state, `status status-${state === 'OK' ? 'finished' : state === 'ERROR' ? 'failed' : 'running'}`);
}

/** A run's traces on its dashboard, newest first; a trace's name opens it in the trace viewer. */
export function runTracesSection(ctx: DashboardContext, traces: RunTracesModel): HTMLElement[] {
  const shown = traces.items.length < traces.total ? `, the newest ${traces.items.length}` : '';
  return [
    el('h2', { text: `Traces (${traces.total}${shown})` }),
    dataGrid({
      name: 'traces',
      ariaLabel: 'Traces of the run',
      columns: [
        { id: 'name', title: 'Trace', width: 'minmax(10em, 2fr)' },
        { id: 'state', title: 'Status' },
        { id: 'latency', title: 'Latency', numeric: true },
        { id: 'spans', title: 'Spans', numeric: true },
        { id: 'tokens', title: 'Tokens', numeric: true, description: 'Input + output tokens over its spans' },
        { id: 'time', title: 'Started' },
      ],
      rows: traces.items.map((trace) => traceRow(ctx, trace)),
    }),
  ];
}

function traceRow(ctx: DashboardContext, trace: TraceListItem) {
  const tokens = trace.inputTokens + trace.outputTokens;
  return {
    key: trace.traceId,
    cells: [
      { text: trace.name || trace.traceId, content: dashboardLink(ctx, trace.name || trace.traceId, { kind: 'trace', traceId: trace.traceId }, `Open trace ${trace.traceId}`) },
      { text: trace.state, content: traceStateTag(trace.state) },
      { text: trace.executionMs === undefined ? 'in progress' : formatMs(trace.executionMs) },
      { text: String(trace.spanCount) },
      { text: tokens > 0 ? String(tokens) : '', title: `${trace.inputTokens} in / ${trace.outputTokens} out` },
      { text: formatTime(trace.requestTime) },
    ],
  };
}

/** The compare view's traces per run: how many, and their median latency. Nothing when no run has any. */
export function compareTracesSection(runs: readonly CompareRun[]): HTMLElement[] {
  if (!runs.some((run) => (run.traces?.count ?? 0) > 0)) return [];
  return [
    el('h2', { text: 'Traces' }),
    dataGrid({
      name: 'trace-stats',
      ariaLabel: 'Traces of each run',
      columns: [
        { id: 'run', title: 'Run', width: 'minmax(10em, 2fr)' },
        { id: 'count', title: 'Traces', numeric: true },
        { id: 'p50', title: 'Median latency', numeric: true, description: 'Over the run’s traces that ended' },
      ],
      rows: runs.map((run) => ({
        key: run.runId,
        cells: [
          { text: run.name || run.runId },
          { text: run.traces === undefined ? '' : String(run.traces.count) },
          { text: run.traces?.medianMs === undefined ? '' : formatMs(run.traces.medianMs) },
        ],
      })),
    }),
  ];
}
