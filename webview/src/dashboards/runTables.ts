import type { DatasetSummary } from '../../../src/protocol/dashboards/runRequests';
import type { KeyValue, MetricSummary } from '../../../src/protocol/dashboards/shapes';
import { checkbox } from '../components/checkbox';
import { dataGrid } from '../components/dataGrid';
import { el, replaceChildren } from '../components/dom';
import { formatNumber } from './format';

export function paramsTable(params: readonly KeyValue[]): HTMLElement {
  return dataGrid({
    name: 'params',
    ariaLabel: 'Params',
    columns: [
      { id: 'key', title: 'Param', width: 'minmax(10em, 1fr)' },
      { id: 'value', title: 'Value', width: 'minmax(10em, 2fr)' },
    ],
    rows: params.map((p) => ({ key: p.key, cells: [{ text: p.key }, { text: p.value }] })),
    empty: 'No params logged.',
  });
}

export function metricsTable(metrics: readonly MetricSummary[]): HTMLElement {
  return dataGrid({
    name: 'metrics',
    ariaLabel: 'Metrics',
    columns: [
      { id: 'key', title: 'Metric', width: 'minmax(10em, 2fr)' },
      { id: 'last', title: 'Last', numeric: true },
      { id: 'min', title: 'Min', numeric: true },
      { id: 'max', title: 'Max', numeric: true },
      { id: 'points', title: 'Points', numeric: true, description: 'Values logged' },
      { id: 'lastStep', title: 'Last step', numeric: true },
    ],
    rows: metrics.map((m) => ({
      key: m.key,
      cells: [
        { text: m.key },
        { text: formatNumber(m.last), title: String(m.last) },
        { text: formatNumber(m.min), title: String(m.min) },
        { text: formatNumber(m.max), title: String(m.max) },
        { text: String(m.points) },
        { text: String(m.lastStep) },
      ],
    })),
    empty: 'No metrics logged.',
  });
}

/** Tags, with MLflow's and RunLens's own folded away behind a checkbox. */
export function tagsTable(tags: readonly (KeyValue & { readonly system: boolean })[]): HTMLElement {
  const holder = el('div');
  let showSystem = false;
  const draw = () => {
    const shown = tags.filter((t) => showSystem || !t.system);
    replaceChildren(
      holder,
      checkbox(`Show system tags (${tags.filter((t) => t.system).length})`, showSystem, (checked) => {
        showSystem = checked;
        draw();
      }, 'system-tags'),
      dataGrid({
        name: 'tags',
        ariaLabel: 'Tags',
        columns: [
          { id: 'key', title: 'Tag', width: 'minmax(10em, 1fr)' },
          { id: 'value', title: 'Value', width: 'minmax(10em, 2fr)' },
        ],
        rows: shown.map((t) => ({ key: t.key, cells: [{ text: t.key }, { text: t.value }] })),
        empty: 'No tags.',
      }),
    );
  };
  draw();
  return holder;
}

export function datasetsTable(datasets: readonly DatasetSummary[]): HTMLElement {
  return dataGrid({
    name: 'datasets',
    ariaLabel: 'Datasets',
    columns: [
      { id: 'name', title: 'Dataset' },
      { id: 'digest', title: 'Digest' },
      { id: 'source', title: 'Source', width: 'minmax(10em, 2fr)' },
    ],
    rows: datasets.map((d) => ({
      key: `${d.name}@${d.digest}`,
      cells: [{ text: d.name }, { text: d.digest }, { text: d.source, title: `${d.sourceType}: ${d.source}` }],
    })),
    empty: 'No datasets recorded.',
  });
}
