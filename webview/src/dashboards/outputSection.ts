import { ArtifactPreviewRequest } from '../../../src/protocol/dashboards/artifactPreview';
import { OpenArtifactRequest } from '../../../src/protocol/dashboards/hostActions';
import { button } from '../components/button';
import { el, replaceChildren } from '../components/dom';
import type { DashboardContext } from './context';

/** The run's captured stdout and stderr, its latest part, as the person saw it. */
export class OutputSection {
  readonly element = el('section', { className: 'output' });
  private readonly text = el('pre', { className: 'output-log', attrs: { 'data-name': 'output-log' } });

  constructor(
    private readonly ctx: DashboardContext,
    private readonly runId: string,
  ) {}

  async refresh(outputLogPath: string | undefined): Promise<void> {
    if (outputLogPath === undefined) {
      replaceChildren(this.element, el('p', { className: 'empty', text: 'No output captured for this run (it was not launched by RunLens, or has not printed yet).' }));
      return;
    }
    const preview = await this.ctx.client.request(ArtifactPreviewRequest, { runId: this.runId, path: outputLogPath, from: 'end' });
    const atBottom = this.text.scrollTop + this.text.clientHeight >= this.text.scrollHeight - 4;
    this.text.textContent = preview.kind === 'text' || preview.kind === 'json' ? preview.text : 'The output log cannot be shown as text.';
    const open = this.ctx.host.hostActions
      ? button('Open in editor', () => void this.ctx.status.guard('open the log', () => this.ctx.client.request(OpenArtifactRequest, { runId: this.runId, path: outputLogPath })), {
          name: 'open-log',
        })
      : null;
    const cut = preview.kind === 'text' && preview.truncated ? el('p', { className: 'chart-note', text: 'Showing the end of the log.' }) : null;
    if (this.element.firstChild !== this.text) replaceChildren(this.element, el('div', { className: 'toolbar' }, open, cut), this.text);
    // Follow the log while the person is at its end, as a terminal does.
    if (atBottom) this.text.scrollTop = this.text.scrollHeight;
  }
}
