import { CompareCandidatesRequest } from '../../../src/protocol/dashboards/compareRequests';
import type { RunRef } from '../../../src/protocol/dashboards/shapes';
import { button } from '../components/button';
import { el, replaceChildren } from '../components/dom';
import { textField } from '../components/textField';
import type { DashboardContext } from './context';
import { formatTime } from './format';

/** Search for runs by name or id and add one: for the compare view's "Add run". */
export class RunPicker {
  readonly element: HTMLElement;
  private readonly results = el('ul', { className: 'picker-results', attrs: { 'data-name': 'candidates' } });
  private query = '';
  private searching = 0;

  constructor(
    private readonly ctx: DashboardContext,
    private readonly options: { readonly exclude: () => readonly string[]; readonly experimentId: () => string | undefined; readonly onPick: (run: RunRef) => void },
  ) {
    const field = textField({
      ariaLabel: 'Find a run to add',
      placeholder: 'Run name or id',
      name: 'candidate-query',
      onInput: (value) => {
        this.query = value;
        void this.search();
      },
      onSubmit: (value) => {
        this.query = value;
        void this.search();
      },
    });
    this.element = el('details', { className: 'picker run-picker' }, el('summary', { text: 'Add runs' }), field, this.results);
    this.element.addEventListener('toggle', () => {
      if ((this.element as HTMLDetailsElement).open) void this.search();
    });
  }

  private async search(): Promise<void> {
    const ticket = ++this.searching;
    await this.ctx.status.guard('find runs', async () => {
      const experimentId = this.options.experimentId();
      const { runs, notes } = await this.ctx.client.request(CompareCandidatesRequest, {
        query: this.query,
        excludeRunIds: this.options.exclude(),
        ...(experimentId ? { experimentId } : {}),
        limit: 20,
      });
      if (ticket !== this.searching) return;
      replaceChildren(
        this.results,
        ...runs.map((run) =>
          el(
            'li',
            { attrs: { 'data-run-id': run.runId } },
            button('Add', () => this.options.onPick(run), { name: 'add-run', title: `Add ${run.runId}` }),
            el('span', { className: 'run-name', text: run.name || run.runId }),
            el('span', { className: 'muted', text: ` ${run.experimentName} · ${run.status} · ${formatTime(run.startTime)}` }),
          ),
        ),
        runs.length === 0 ? el('li', { className: 'empty', text: 'No other runs match.' }) : null,
        ...(notes ?? []).map((note) => el('li', { className: 'muted', text: `Not searched: ${note}` })),
      );
    });
  }
}
