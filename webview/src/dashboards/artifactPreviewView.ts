import type { ArtifactPreview } from '../../../src/protocol/dashboards/artifactPreview';
import { dataGrid } from '../components/dataGrid';
import { el } from '../components/dom';
import { formatBytes } from './format';

const imageDataUrl = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]*$/;

/** Shows a preview the host prepared: text as text, CSV as a table, images from data: URLs only. */
export function artifactPreviewView(path: string, preview: ArtifactPreview): HTMLElement {
  switch (preview.kind) {
    case 'text':
    case 'json':
      return el(
        'div',
        { className: 'preview' },
        preview.truncated ? el('p', { className: 'chart-note', text: `Showing part of ${formatBytes(preview.size)}.` }) : null,
        el('pre', { className: 'preview-text' }, el('code', { text: preview.text })),
      );
    case 'csv':
      return el(
        'div',
        { className: 'preview' },
        preview.truncated ? el('p', { className: 'chart-note', text: `Showing the first ${preview.rows.length} rows.` }) : null,
        dataGrid({
          name: 'csv-preview',
          ariaLabel: `${path} as a table`,
          columns: preview.header.map((title, i) => ({ id: String(i), title })),
          rows: preview.rows.map((row, i) => ({ key: String(i), cells: preview.header.map((_, c) => ({ text: row[c] ?? '' })) })),
          empty: 'The file has no rows.',
        }),
      );
    case 'image': {
      if (!imageDataUrl.test(preview.dataUrl)) return el('p', { className: 'empty', text: 'This image cannot be previewed.' });
      const image = el('img', { className: 'preview-image', attrs: { alt: path } });
      image.src = preview.dataUrl;
      return el('div', { className: 'preview' }, image);
    }
    case 'tooLarge':
      return el('p', { className: 'empty', text: `Too large to preview here (${formatBytes(preview.size)}; the limit is ${formatBytes(preview.limit)}).` });
    case 'binary':
      return el('p', { className: 'empty', text: `A binary file (${formatBytes(preview.size)}): no preview.` });
  }
}
