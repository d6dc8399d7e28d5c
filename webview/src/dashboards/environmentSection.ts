import { EnvironmentDiffRequest, type EnvironmentDiffModel, type PackageVersionChange } from '../../../src/protocol/dashboards/hostActions';
import { button } from '../components/button';
import { dataGrid } from '../components/dataGrid';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import type { DashboardContext } from './context';

/**
 * How the run's environment differs from this machine's now: packages added, removed or at another
 * version, the Python version, data files changed or missing. Comparing runs the interpreter, so it
 * happens when the tab is opened (and again on request), never when the dashboard opens; only in
 * VS Code (the run dashboard shows the tab there alone).
 */
export class EnvironmentSection {
  readonly element = el('section', { className: 'environment', attrs: { 'data-name': 'environment' } });
  private compared = false;

  constructor(
    private readonly ctx: DashboardContext,
    private readonly runId: string,
  ) {}

  /** Compares once, the first time the tab shows; "Compare again" repeats it. */
  async open(): Promise<void> {
    if (this.compared) return;
    this.compared = true;
    await this.compare();
  }

  private async compare(): Promise<void> {
    replaceChildren(this.element, loading("Comparing the run's environment with this machine's…"));
    try {
      this.show(await this.ctx.client.request(EnvironmentDiffRequest, { runId: this.runId }));
    } catch (error) {
      replaceChildren(this.element, el('p', { className: 'empty', text: `RunLens could not compare the environment: ${(error as Error).message}` }), this.again());
    }
  }

  private show(model: EnvironmentDiffModel): void {
    const interpreter = model.sameInterpreter
      ? `Compared with the run's interpreter, ${model.interpreter}, as it is now.`
      : `The run's interpreter is not on this machine: compared with ${model.interpreter}.`;
    replaceChildren(
      this.element,
      el('div', { className: 'toolbar' }, el('p', { text: interpreter }), this.again()),
      el('p', {
        attrs: { 'data-name': 'environment-summary' },
        text: model.summary.length === 0 ? 'The environment is the same as the run’s (packages, Python, data).' : `${model.summary.length} kind(s) of difference.`,
      }),
      el('h2', { text: 'Python' }),
      el('p', { attrs: { 'data-name': 'environment-python' }, text: model.python ? `${model.python.then} then, ${model.python.now} now` : 'The same version, or not recorded.' }),
      el('h2', { text: 'Packages' }),
      model.packages
        ? packagesTable([
            ...model.packages.changed.map((change) => ({ change, kind: 'changed' })),
            ...model.packages.removed.map((change) => ({ change, kind: 'missing now' })),
            ...model.packages.added.map((change) => ({ change, kind: 'installed since' })),
          ])
        : el('p', { className: 'empty', text: 'Not compared: the run kept no package listing (runlens/requirements.txt), or the interpreter could not list its packages.' }),
      el('h2', { text: 'Data' }),
      dataTable(model.data),
    );
  }

  private again(): HTMLElement {
    return button('Compare again', () => void this.compare(), { name: 'compare-environment' });
  }
}

function packagesTable(rows: readonly { readonly change: PackageVersionChange; readonly kind: string }[]): HTMLElement {
  return dataGrid({
    name: 'environment-packages',
    ariaLabel: 'Package differences',
    columns: [
      { id: 'name', title: 'Package', width: 'minmax(10em, 2fr)' },
      { id: 'kind', title: 'Difference', width: 'minmax(8em, 1fr)' },
      { id: 'then', title: 'Then', width: 'minmax(6em, 1fr)' },
      { id: 'now', title: 'Now', width: 'minmax(6em, 1fr)' },
    ],
    rows: rows.map(({ change, kind }) => ({
      key: `${kind}:${change.name}`,
      cells: [{ text: change.name }, { text: kind }, { text: change.then ?? '—' }, { text: change.now ?? '—' }],
    })),
    empty: 'The same packages at the same versions.',
  });
}

function dataTable(data: EnvironmentDiffModel['data']): HTMLElement {
  return dataGrid({
    name: 'environment-data',
    ariaLabel: 'Data differences',
    columns: [
      { id: 'path', title: 'File', width: 'minmax(12em, 3fr)' },
      { id: 'kind', title: 'Now', width: 'minmax(8em, 1fr)' },
    ],
    rows: [
      ...data.changed.map((file) => ({ key: `changed:${file}`, cells: [{ text: file }, { text: 'changed since the run' }] })),
      ...data.missing.map((file) => ({ key: `missing:${file}`, cells: [{ text: file }, { text: 'missing' }] })),
    ],
    empty: 'The data files the run recorded are unchanged (or it recorded none).',
  });
}
