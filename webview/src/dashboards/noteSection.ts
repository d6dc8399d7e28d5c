import { SetNoteRequest } from '../../../src/protocol/dashboards/runRequests';
import { button } from '../components/button';
import { el, replaceChildren } from '../components/dom';
import { textArea } from '../components/textField';
import { markdownView } from '../markdown/markdownView';
import type { DashboardContext } from './context';

/** The run's note (Markdown, shown without raw HTML), and its editor. */
export class NoteSection {
  readonly element = el('section', { className: 'note', attrs: { 'data-name': 'note' } });
  private note = '';
  private editing = false;

  constructor(
    private readonly ctx: DashboardContext,
    private readonly runId: string,
  ) {}

  /** New note from the store; ignored while the person is editing (their text wins until they save). */
  show(note: string): void {
    this.note = note;
    if (!this.editing) this.render();
  }

  private render(): void {
    replaceChildren(
      this.element,
      el('div', { className: 'toolbar' }, button(this.note ? 'Edit note' : 'Add a note', () => this.edit(), { name: 'edit-note' })),
      this.note ? markdownView(this.note) : el('p', { className: 'empty', text: 'No note yet. Notes are Markdown; MLflow shows them too.' }),
    );
  }

  private edit(): void {
    this.editing = true;
    const area = textArea({ value: this.note, ariaLabel: 'Note (Markdown)', rows: 12, name: 'note-editor' });
    const save = async () => {
      const result = await this.ctx.client.request(SetNoteRequest, { runId: this.runId, markdown: area.value });
      this.editing = false;
      this.show(result.note);
      this.ctx.status.info('Note saved.');
    };
    replaceChildren(
      this.element,
      area,
      el(
        'div',
        { className: 'toolbar' },
        button('Save', () => void this.ctx.status.guard('save the note', save), { appearance: 'primary', name: 'save-note' }),
        button('Cancel', () => {
          this.editing = false;
          this.render();
        }, { name: 'cancel-note' }),
      ),
    );
  }
}
