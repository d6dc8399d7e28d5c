import { ArtifactPreviewRequest } from '../../../src/protocol/dashboards/artifactPreview';
import { OpenArtifactRequest } from '../../../src/protocol/dashboards/hostActions';
import type { ArtifactListing, LoggedModelSummary } from '../../../src/protocol/dashboards/runRequests';
import { button } from '../components/button';
import { dataGrid } from '../components/dataGrid';
import { el, replaceChildren } from '../components/dom';
import { loading } from '../components/progress';
import { artifactPreviewView } from './artifactPreviewView';
import type { DashboardContext } from './context';
import { formatBytes, formatTime } from './format';
import { modelMetricsGrid } from './modelMetricsGrid';

/** The models the run logged, the run's artifact files, and a preview of the one the person picks. */
export class ArtifactsSection {
  readonly element: HTMLElement;
  private readonly models = el('div', { className: 'logged-models' });
  private readonly list = el('div', { className: 'artifact-list' });
  private readonly preview = el('div', { className: 'artifact-preview', attrs: { 'data-name': 'artifact-preview' } });
  private selected: string | undefined;

  constructor(
    private readonly ctx: DashboardContext,
    private readonly runId: string,
  ) {
    this.element = el('section', { className: 'artifacts' }, this.models, this.list, this.preview);
  }

  show(listing: ArtifactListing, loggedModels: readonly LoggedModelSummary[]): void {
    this.showModels(loggedModels);
    const rows = listing.items.map((item) => {
      const depth = item.path.split('/').length - 1;
      const name = item.path.split('/').pop() ?? item.path;
      return {
        key: item.path,
        className: item.path === this.selected ? 'selected' : undefined,
        cells: [
          { text: `${'\u2003'.repeat(depth)}${item.isDir ? `${name}/` : name}`, title: item.path },
          { text: item.size === undefined ? '' : formatBytes(item.size) },
        ],
        onClick: item.isDir ? undefined : () => void this.open(item.path),
      };
    });
    replaceChildren(
      this.list,
      dataGrid({
        name: 'artifacts',
        ariaLabel: 'Artifacts',
        columns: [
          { id: 'path', title: 'Artifact', width: 'minmax(12em, 3fr)' },
          { id: 'size', title: 'Size', numeric: true, width: 'minmax(6em, 1fr)' },
        ],
        rows,
        empty: loggedModels.length > 0 ? 'No artifacts logged in the run itself: its models keep their files at their own locations.' : 'No artifacts logged.',
      }),
      listing.truncated ? el('p', { className: 'chart-note', text: `Showing the first ${listing.items.length} entries.` }) : null,
    );
  }

  /** MLflow 3 keeps a logged model's files under the model, not the run: without this, such a run looks empty. */
  private showModels(models: readonly LoggedModelSummary[]): void {
    if (models.length === 0) {
      replaceChildren(this.models);
      return;
    }
    replaceChildren(
      this.models,
      el('h2', { text: `Logged models (${models.length})` }),
      dataGrid({
        name: 'logged-models',
        ariaLabel: 'Logged models',
        columns: [
          { id: 'name', title: 'Model', width: 'minmax(8em, 1fr)' },
          { id: 'id', title: 'Model ID', width: 'minmax(12em, 2fr)' },
          { id: 'status', title: 'Status', width: 'minmax(6em, 1fr)' },
          { id: 'created', title: 'Logged', width: 'minmax(8em, 1fr)' },
          { id: 'location', title: 'Location', width: 'minmax(12em, 3fr)' },
        ],
        rows: models.map((model) => ({
          key: model.modelId,
          cells: [
            { text: model.name },
            { text: model.modelId },
            { text: model.status.replace(/^LOGGED_MODEL_/, '').toLowerCase() },
            { text: model.creationTime ? formatTime(model.creationTime) : '' },
            { text: model.artifactUri, title: model.artifactUri },
          ],
        })),
        empty: '',
      }),
      ...modelMetricsGrid(models),
      el('h2', { text: 'Artifacts' }),
    );
  }

  private async open(path: string): Promise<void> {
    this.selected = path;
    replaceChildren(this.preview, loading(`Loading ${path}…`));
    const actions = this.ctx.host.hostActions
      ? button('Open in editor', () => void this.ctx.status.guard('open the artifact', () => this.ctx.client.request(OpenArtifactRequest, { runId: this.runId, path })), {
          name: 'open-artifact',
        })
      : null;
    try {
      const preview = await this.ctx.client.request(ArtifactPreviewRequest, { runId: this.runId, path });
      if (this.selected !== path) return;
      replaceChildren(this.preview, el('div', { className: 'toolbar' }, el('h3', { text: path }), actions), artifactPreviewView(path, preview));
    } catch (error) {
      if (this.selected !== path) return;
      replaceChildren(this.preview, el('p', { className: 'error', text: `Could not preview ${path}: ${error instanceof Error ? error.message : String(error)}` }));
    }
  }
}
