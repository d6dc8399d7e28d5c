import type { TraceCompareModel, TraceDiffRow, TraceModel, TraceSpanModel } from '../protocol/traceDashboard';
import type { TraceWithSpans } from './traceModel';

/**
 * Two traces side by side, the trace analogue of the run diff: spans are matched by their place
 * in the tree (the names on the way from the root, and the rank among same-named siblings), so a
 * retried tool call or an extra LLM call shows as added or removed, and a matched span whose
 * inputs, outputs or status differ as changed. Rows follow the first trace's order, the second's
 * additions after their matched parent's subtree position.
 */
export function diffTraces(left: TraceWithSpans, right: TraceWithSpans): TraceCompareModel {
  const leftPaths = pathsOf(left.spans);
  const rightPaths = pathsOf(right.spans);
  const rightByPath = new Map(rightPaths.map((entry) => [entry.path, entry.span]));
  const leftByPath = new Map(leftPaths.map((entry) => [entry.path, entry.span]));
  const rows: TraceDiffRow[] = [];
  for (const { path, span } of leftPaths) {
    const other = rightByPath.get(path);
    rows.push(other === undefined ? sideRow(path, span, 'removed') : matchedRow(path, span, other));
  }
  for (const { path, span } of rightPaths) if (!leftByPath.has(path)) rows.push(sideRow(path, span, 'added'));
  return { left: withoutSpans(left), right: withoutSpans(right), rows };
}

function withoutSpans(model: TraceWithSpans): Omit<TraceModel, 'spans'> {
  const info: Record<string, unknown> = { ...model };
  delete info.spans;
  return info as unknown as Omit<TraceModel, 'spans'>;
}

function pathsOf(spans: readonly TraceSpanModel[]): { path: string; span: TraceSpanModel }[] {
  const pathById = new Map<string, string>();
  const seen = new Map<string, number>();
  return spans.map((span) => {
    const parentPath = span.parentSpanId !== undefined ? (pathById.get(span.parentSpanId) ?? '') : '';
    const base = `${parentPath}/${span.name}`;
    const rank = seen.get(base) ?? 0;
    seen.set(base, rank + 1);
    const path = `${base}#${rank}`;
    pathById.set(span.spanId, path);
    return { path, span };
  });
}

function sideRow(path: string, span: TraceSpanModel, change: 'added' | 'removed'): TraceDiffRow {
  const side = { durationMs: span.durationMs, status: span.status };
  return { path, depth: span.depth, name: span.name, ...(change === 'removed' ? { left: side } : { right: side }), change, changed: [] };
}

function matchedRow(path: string, left: TraceSpanModel, right: TraceSpanModel): TraceDiffRow {
  const changed: ('inputs' | 'outputs' | 'status')[] = [];
  if (JSON.stringify(left.inputs) !== JSON.stringify(right.inputs)) changed.push('inputs');
  if (JSON.stringify(left.outputs) !== JSON.stringify(right.outputs)) changed.push('outputs');
  if (left.status !== right.status) changed.push('status');
  return {
    path,
    depth: left.depth,
    name: left.name,
    left: { durationMs: left.durationMs, status: left.status },
    right: { durationMs: right.durationMs, status: right.status },
    change: changed.length > 0 ? 'changed' : 'same',
    changed,
    ...(changed.length > 0 ? { detail: { left: { inputs: left.inputs, outputs: left.outputs }, right: { inputs: right.inputs, outputs: right.outputs } } } : {}),
  };
}
