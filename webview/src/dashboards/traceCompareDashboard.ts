import { CompareTracesRequest, type TraceCompareModel, type TraceDashboardState, type TraceDiffRow } from '../../../src/protocol/traceDashboard';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import type { Dashboard, DashboardContext } from './context';
import { jsonTree } from './jsonTree';

/** Two traces side by side: the span tree diff (added, removed, changed spans) with both latencies. */
export class TraceCompareDashboard implements Dashboard {
  private readonly title = el('h1');
  private readonly table = el('div', { className: 'trace-diff', attrs: { 'data-name': 'trace-diff' } });

  constructor(
    private readonly ctx: DashboardContext,
    root: HTMLElement,
    private readonly state: TraceDashboardState,
  ) {
    replaceChildren(root, ctx.status.element, this.title, this.table);
    this.title.textContent = 'Comparing traces';
    replaceChildren(this.table, loading('Comparing…'));
  }

  get runIds(): readonly string[] {
    return [];
  }

  async refresh(): Promise<void> {
    await this.ctx.status.guard('compare the traces', async () => {
      const model = await this.ctx.client.request(CompareTracesRequest, { traceId: this.state.traceId, otherTraceId: this.state.compareTo ?? '' });
      this.ctx.saveState(this.state, `${model.left.name || model.left.traceId} ↔ ${model.right.name || model.right.traceId}`);
      this.render(model);
    });
  }

  private render(model: TraceCompareModel): void {
    const counts = { added: 0, removed: 0, changed: 0, same: 0 };
    for (const row of model.rows) counts[row.change]++;
    this.title.textContent = `${model.left.name || model.left.traceId} ↔ ${model.right.name || model.right.traceId}`;
    replaceChildren(
      this.table,
      el('p', { attrs: { 'data-name': 'diff-counts' }, text: `${counts.changed} changed · ${counts.added} added · ${counts.removed} removed · ${counts.same} the same` }),
      el('div', { className: 'trace-diff-row trace-diff-head' }, el('b', { text: 'Span' }), el('b', { text: model.left.traceId }), el('b', { text: model.right.traceId }), el('b', { text: 'What differs' })),
      ...model.rows.map(diffRow),
    );
  }
}

function diffRow(row: TraceDiffRow): HTMLElement {
  const name = el('div', { text: row.name, title: row.path });
  name.style.paddingLeft = `${row.depth * 12}px`;
  const line = el(
    'div',
    { className: `trace-diff-row trace-diff-${row.change}`, attrs: { 'data-change': row.change } },
    name,
    el('div', { text: row.left ? `${Math.round(row.left.durationMs)} ms ${row.left.status === 'ERROR' ? '(error)' : ''}` : '—' }),
    el('div', { text: row.right ? `${Math.round(row.right.durationMs)} ms ${row.right.status === 'ERROR' ? '(error)' : ''}` : '—' }),
    el('div', { text: row.change === 'changed' ? row.changed.join(', ') : row.change }),
  );
  if (row.detail === undefined) return line;
  return el('div', {}, line, el('div', { className: 'trace-diff-detail' }, jsonTree({ first: row.detail.left, second: row.detail.right }, 'inputs and outputs', false)));
}
