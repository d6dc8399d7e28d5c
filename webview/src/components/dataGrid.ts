import { custom, el, type Child } from './dom';

const defaultTrack = 'minmax(8em, 1fr)';

/** The minimum of a track written as `Nem` or `minmax(Nem, …)`. */
function minimumEm(track: string): number {
  const match = /^(?:minmax\()?([\d.]+)em/.exec(track);
  return match ? Number(match[1]) : 8;
}

export interface GridColumn {
  readonly id: string;
  readonly title: string;
  /** A CSS grid track, e.g. `minmax(8em, 1fr)`. */
  readonly width?: string;
  readonly numeric?: boolean;
  readonly sortable?: boolean;
  /** Extra text for the header's tooltip. */
  readonly description?: string;
}

export interface GridCell {
  /** Shown as text. */
  readonly text: string;
  /** Tooltip; the full value when the text is long. */
  readonly title?: string;
  readonly className?: string;
  /** Rich content (a link, a tag) instead of `text`; `text` is still the cell's accessible value. */
  readonly content?: Child;
}

export interface GridRow {
  /** Stable identity (run id, param key), kept as `data-key` for tests and selection. */
  readonly key: string;
  readonly cells: readonly GridCell[];
  readonly className?: string;
  readonly onClick?: (event: MouseEvent) => void;
}

export interface GridOptions {
  readonly columns: readonly GridColumn[];
  readonly rows: readonly GridRow[];
  readonly ariaLabel: string;
  readonly sort?: { readonly column: string; readonly direction: 'asc' | 'desc' };
  readonly onSort?: (columnId: string) => void;
  /** Shown in place of rows when there are none. */
  readonly empty?: string;
  readonly name?: string;
}

/**
 * The toolkit's data grid, built row by row (not from `rowsData`) so each row and cell can carry a
 * class (changed, only-in-one, best) and a key. Cell text is set as textContent.
 */
export function dataGrid(options: GridOptions): HTMLElement {
  const grid = custom('vscode-data-grid', { className: 'grid', attrs: { 'aria-label': options.ariaLabel, 'generate-header': 'none' } });
  if (options.name) grid.dataset.name = options.name;
  const tracks = options.columns.map((c) => c.width ?? defaultTrack);
  grid.setAttribute('grid-template-columns', tracks.join(' '));
  // Wide tables scroll sideways instead of squeezing columns below their minimum; a long value must
  // not widen its column either (it wraps), so the grid's width is the sum of the minimums, not its content's.
  grid.style.minWidth = `${tracks.reduce((sum, track) => sum + minimumEm(track), 0)}em`;

  const header = custom('vscode-data-grid-row', { attrs: { 'row-type': 'sticky-header' } });
  options.columns.forEach((column, index) => {
    const sorted = options.sort?.column === column.id ? options.sort.direction : undefined;
    const label = sorted === undefined ? column.title : `${column.title} ${sorted === 'asc' ? '▲' : '▼'}`;
    const cell = custom('vscode-data-grid-cell', {
      text: label,
      title: column.description ?? column.title,
      className: column.numeric ? 'numeric' : undefined,
      attrs: { 'cell-type': 'columnheader', 'grid-column': String(index + 1), 'data-column': column.id },
    });
    if (sorted) cell.setAttribute('aria-sort', sorted === 'asc' ? 'ascending' : 'descending');
    if (column.sortable && options.onSort) {
      const onSort = options.onSort;
      cell.classList.add('sortable');
      cell.addEventListener('click', () => onSort(column.id));
      cell.addEventListener('keydown', (event: KeyboardEvent) => {
        if (event.key === 'Enter' || event.key === ' ') onSort(column.id);
      });
    }
    header.appendChild(cell);
  });
  grid.appendChild(header);

  for (const row of options.rows) {
    const rowElement = custom('vscode-data-grid-row', { className: row.className, attrs: { 'data-key': row.key } });
    row.cells.forEach((cell, index) => {
      const column = options.columns[index];
      const cellElement = custom('vscode-data-grid-cell', {
        title: cell.title ?? (cell.text.length > 40 ? cell.text : undefined),
        className: [column?.numeric ? 'numeric' : '', cell.className ?? ''].join(' ').trim() || undefined,
        attrs: { 'grid-column': String(index + 1), 'data-column': column?.id ?? String(index) },
      });
      if (cell.content !== undefined && cell.content !== null && cell.content !== false) {
        cellElement.append(cell.content);
      } else {
        cellElement.textContent = cell.text;
      }
      rowElement.appendChild(cellElement);
    });
    if (row.onClick) rowElement.addEventListener('click', row.onClick);
    grid.appendChild(rowElement);
  }
  const wrapper = el('div', { className: 'grid-scroll' }, grid);
  if (options.rows.length === 0 && options.empty) wrapper.appendChild(el('p', { className: 'empty', text: options.empty }));
  return wrapper;
}
