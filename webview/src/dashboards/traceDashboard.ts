import {
  GetTraceRequest,
  GetTraceSpanRequest,
  GoToSpanCodeRequest,
  LogFeedbackRequest,
  type AssessmentModel,
  type TraceDashboardState,
  type TraceModel,
  type TraceSpanDetail,
  type TraceSpanOutline,
} from '../../../src/protocol/traceDashboard';
import { button } from '../components/button';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import { tag } from '../components/tag';
import { textField } from '../components/textField';
import { WindowedRows } from '../components/windowedRows';
import { chatMessagesOf, conversation } from './chatMessages';
import type { Dashboard, DashboardContext } from './context';
import { formatMs } from './format';
import { jsonTree } from './jsonTree';
import { traceStateTag } from './traceLists';

/** A waterfall row's height in px, as the stylesheet sets it (`.span-row`). */
const spanRowHeight = 22;

/**
 * The trace viewer: the span tree as a waterfall (one row per span, indented by depth, its bar
 * placed on the trace's timeline; only the rows in view are drawn), and the selected span's inputs and outputs (chat messages as a
 * conversation, anything else as a JSON tree), attributes, events and exceptions; token totals and
 * assessments, with feedback added from here. The trace opens with each span's outline; a span's
 * payload is asked for when it is selected, and kept until the trace is read again.
 */
export class TraceDashboard implements Dashboard {
  private readonly header = el('header', { className: 'trace-header' });
  private readonly waterfall = el('div', { className: 'trace-waterfall', attrs: { 'data-name': 'trace-waterfall', role: 'tree' } });
  private readonly details = el('div', { className: 'trace-details', attrs: { 'data-name': 'span-details' } });
  private readonly assessments = el('div', { className: 'trace-assessments', attrs: { 'data-name': 'assessments' } });
  private model: TraceModel | undefined;
  private selected: string | undefined;
  /** Each span's row number in the waterfall. */
  private readonly rowOfSpan = new Map<string, number>();
  /** Payloads of the spans selected since the trace was last read. */
  private readonly payloads = new Map<string, TraceSpanDetail>();
  private readonly rows = new WindowedRows<TraceSpanOutline>(this.waterfall, spanRowHeight, (span, index) => this.spanRow(span, index));
  /** The trace's length in ms: where each span's bar sits on the timeline. */
  private timeline = 0.001;

  constructor(
    private readonly ctx: DashboardContext,
    root: HTMLElement,
    private readonly state: TraceDashboardState,
  ) {
    replaceChildren(
      root,
      ctx.status.element,
      this.header,
      el('div', { className: 'trace-body' }, this.waterfall, this.details),
      el('h2', { text: 'Assessments' }),
      this.assessments,
    );
    replaceChildren(this.waterfall, loading('Reading the trace…'));
  }

  get runIds(): readonly string[] {
    return [];
  }

  async refresh(): Promise<void> {
    await this.ctx.status.guard('read the trace', async () => {
      const model = await this.ctx.client.request(GetTraceRequest, { traceId: this.state.traceId });
      this.model = model;
      this.ctx.saveState(this.state, model.name || model.traceId);
      this.render(model);
    });
  }

  private render(model: TraceModel): void {
    const total = Math.max(model.executionMs ?? 0, ...model.spans.map((span) => span.startMs + span.durationMs), 0.001);
    const errors = model.spans.filter((span) => span.status === 'ERROR').length;
    replaceChildren(
      this.header,
      el('h1', { text: model.name || model.traceId }),
      el(
        'div',
        { className: 'trace-facts', attrs: { 'data-name': 'trace-facts' } },
        traceStateTag(model.state),
        el('span', { text: `${formatMs(total)} · ${model.spans.length} span${model.spans.length === 1 ? '' : 's'}${errors > 0 ? ` · ${errors} failed` : ''}` }),
        model.inputTokens + model.outputTokens > 0
          ? el('span', { attrs: { 'data-name': 'token-totals' }, text: `Tokens: ${model.inputTokens} in · ${model.outputTokens} out · ${model.inputTokens + model.outputTokens} total` })
          : null,
        el('span', { className: 'trace-id', text: model.traceId }),
      ),
    );
    this.timeline = total;
    this.payloads.clear();
    this.rowOfSpan.clear();
    model.spans.forEach((span, index) => this.rowOfSpan.set(span.spanId, index));
    this.rows.show(model.spans);
    const keep = this.selected !== undefined && this.rowOfSpan.has(this.selected) ? this.selected : model.spans[0]?.spanId;
    if (keep !== undefined) this.select(keep);
    else replaceChildren(this.details, el('p', { text: 'This trace has no spans stored.' }));
    this.renderAssessments(model.assessments);
  }

  private spanRow(span: TraceSpanOutline, index: number): HTMLElement {
    const total = this.timeline;
    const bar = el('div', { className: `span-bar span-bar-${span.status.toLowerCase()}` });
    bar.style.marginLeft = `${(span.startMs / total) * 100}%`;
    bar.style.width = `${Math.max((span.durationMs / total) * 100, 0.3)}%`;
    const name = el('div', { className: 'span-name', title: span.name }, el('span', { text: span.name }), span.spanType ? el('span', { className: 'span-type', text: span.spanType }) : null);
    name.style.paddingLeft = `${span.depth * 12}px`;
    const row = el(
      'div',
      {
        className: `span-row${span.spanId === this.selected ? ' selected' : ''}`,
        // Only the rows in view are drawn: their place in the whole tree is told to screen readers.
        attrs: { role: 'treeitem', 'data-span-id': span.spanId, tabindex: '0', 'aria-level': String(span.depth + 1), 'aria-posinset': String(index + 1), 'aria-setsize': String(this.rowOfSpan.size) },
      },
      name,
      el('div', { className: 'span-track' }, bar),
      el('div', { className: 'span-duration', text: formatMs(span.durationMs) }),
    );
    row.addEventListener('click', () => this.select(span.spanId));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.select(span.spanId);
    });
    return row;
  }

  private select(spanId: string): void {
    const index = this.rowOfSpan.get(spanId);
    const span = index === undefined ? undefined : this.model?.spans[index];
    if (span === undefined) return;
    if (this.selected !== undefined) this.rowElement(this.selected)?.classList.remove('selected');
    this.selected = spanId;
    this.rowElement(spanId)?.classList.add('selected');
    const payload = el('div', { className: 'span-payload', attrs: { 'data-name': 'span-payload' } });
    replaceChildren(
      this.details,
      el('h2', { text: span.name }),
      el(
        'div',
        { className: 'span-facts' },
        tag(span.status, `status status-${span.status === 'ERROR' ? 'failed' : 'finished'}`),
        el('span', { text: `${span.spanType || 'span'} · ${formatMs(span.durationMs)} · starts at ${formatMs(span.startMs)}` }),
        span.inputTokens !== undefined || span.outputTokens !== undefined ? el('span', { text: `Tokens: ${span.inputTokens ?? 0} in · ${span.outputTokens ?? 0} out` }) : null,
        span.functionName !== undefined && this.ctx.host.kind === 'vscode'
          ? button('Go to code', () => void this.goToCode(span), { name: 'go-to-code', title: `Open the function ${span.functionName} in the editor` })
          : null,
      ),
      span.statusMessage ? el('p', { className: 'span-error', text: span.statusMessage }) : null,
      payload,
    );
    const known = this.payloads.get(spanId);
    if (known !== undefined) {
      replaceChildren(payload, ...payloadBlocks(known));
      return;
    }
    replaceChildren(payload, loading('Reading the span…'));
    void this.ctx.status
      .guard("read the span's inputs and outputs", async () => {
        const detail = await this.ctx.client.request(GetTraceSpanRequest, { traceId: this.state.traceId, spanId });
        this.payloads.set(spanId, detail);
        // Another span may have been selected meanwhile: its own request fills its details.
        if (payload.isConnected) replaceChildren(payload, ...payloadBlocks(detail));
      })
      .then(() => {
        if (!this.payloads.has(spanId) && payload.isConnected) replaceChildren(payload, el('p', { text: 'The span could not be read (see above).' }));
      });
  }

  /** A span's row while it is drawn (in view or near it). */
  private rowElement(spanId: string): HTMLElement | undefined {
    const index = this.rowOfSpan.get(spanId);
    return index === undefined ? undefined : this.rows.rowAt(index);
  }

  private async goToCode(span: TraceSpanOutline): Promise<void> {
    await this.ctx.status.guard('go to the code of the span', () => this.ctx.client.request(GoToSpanCodeRequest, { traceId: this.state.traceId, spanId: span.spanId }));
  }

  private renderAssessments(assessments: readonly AssessmentModel[]): void {
    const list = assessments.map((assessment) =>
      el(
        'div',
        { className: `assessment${assessment.valid ? '' : ' assessment-overridden'}`, attrs: { 'data-name': 'assessment' } },
        el('span', { className: 'assessment-name', text: assessment.name }),
        el('span', { className: 'assessment-value', text: assessment.error ?? JSON.stringify(assessment.value) }),
        el('span', { className: 'assessment-source', text: `${assessment.kind} · ${assessment.source}${assessment.valid ? '' : ' · overridden'}` }),
        assessment.rationale ? el('div', { className: 'assessment-rationale', text: assessment.rationale }) : null,
      ),
    );
    const name = textField({ ariaLabel: 'Feedback name', placeholder: 'name, e.g. helpfulness', value: 'helpfulness', name: 'feedback-name' });
    const rationale = textField({ ariaLabel: 'Rationale', placeholder: 'why (optional)', name: 'feedback-rationale' });
    const send = (value: boolean | string) =>
      void this.ctx.status.guard('add the feedback', async () => {
        const feedbackName = name.value.trim();
        if (feedbackName === '') throw new Error('name the feedback');
        await this.ctx.client.request(LogFeedbackRequest, {
          traceId: this.state.traceId,
          name: feedbackName,
          value,
          ...(rationale.value.trim() ? { rationale: rationale.value.trim() } : {}),
          ...(this.selected !== undefined && this.selected !== this.model?.spans[0]?.spanId ? { spanId: this.selected } : {}),
        });
        await this.refresh();
      });
    replaceChildren(
      this.assessments,
      ...(list.length > 0 ? list : [el('p', { text: 'No feedback or expectations yet.' })]),
      el(
        'div',
        { className: 'feedback-form', attrs: { 'data-name': 'feedback-form' } },
        name,
        rationale,
        button('Good', () => send(true), { name: 'feedback-good', title: 'Feedback: the trace (or the selected span) did well' }),
        button('Bad', () => send(false), { name: 'feedback-bad', title: 'Feedback: the trace (or the selected span) did badly' }),
      ),
    );
  }
}

/** A span's inputs and outputs, exceptions, attributes and other events. */
function payloadBlocks(detail: TraceSpanDetail): (HTMLElement | null)[] {
  const exceptions = detail.events.filter((event) => event.name === 'exception');
  const otherEvents = detail.events.filter((event) => event.name !== 'exception');
  return [
    section('Inputs', detail.inputs),
    section('Outputs', detail.outputs),
    ...exceptions.map((event) => exceptionBlock(event.attributes)),
    detail.attributes.length > 0 ? el('h3', { text: 'Attributes' }) : null,
    detail.attributes.length > 0 ? jsonTree(Object.fromEntries(detail.attributes.map((a) => [a.key, a.value]))) : null,
    otherEvents.length > 0 ? el('h3', { text: 'Events' }) : null,
    ...otherEvents.map((event) => jsonTree(Object.fromEntries(event.attributes.map((a) => [a.key, a.value])), `${event.name} at ${formatMs(event.timeMs)}`, false)),
  ];
}

function section(title: string, value: unknown): HTMLElement | null {
  if (value === undefined) return null;
  const messages = chatMessagesOf(value);
  return el('div', { className: 'span-io' }, el('h3', { text: title }), messages ? conversation(messages) : jsonTree(value));
}

function exceptionBlock(attributes: readonly { readonly key: string; readonly value: unknown }[]): HTMLElement {
  const get = (key: string) => {
    const found = attributes.find((a) => a.key === key)?.value;
    return found === undefined ? '' : String(found);
  };
  return el(
    'div',
    { className: 'span-exception', attrs: { 'data-name': 'exception' } },
    el('h3', { text: `Exception: ${get('exception.type')}` }),
    el('p', { text: get('exception.message') }),
    get('exception.stacktrace') ? el('pre', { text: get('exception.stacktrace') }) : null,
  );
}
