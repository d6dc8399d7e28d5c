import type { LoggedModelMetricSummary, LoggedModelSummary } from '../../../src/protocol/dashboards/runRequests';
import { dataGrid } from '../components/dataGrid';
import { el } from '../components/dom';
import { formatNumber } from './format';

/**
 * The metrics the run's models were scored with, where MLflow's run page shows them: one row per
 * model, metric and evaluation dataset, with the latest value (greatest step, then time). Empty
 * when no model has a metric, which is the case for most runs.
 */
export function modelMetricsGrid(models: readonly LoggedModelSummary[]): HTMLElement[] {
  const rows = models.flatMap((model) =>
    latestPerKeyAndDataset(model.metrics).map((metric) => ({
      key: `${model.modelId}/${metric.key}@${datasetLabel(metric)}`,
      cells: [
        { text: model.name, title: model.modelId },
        { text: metric.key },
        { text: formatNumber(metric.value), title: String(metric.value) },
        { text: String(metric.step) },
        { text: datasetLabel(metric), title: datasetLabel(metric) },
      ],
    })),
  );
  if (rows.length === 0) return [];
  return [
    el('h3', { text: 'Model metrics' }),
    dataGrid({
      name: 'model-metrics',
      ariaLabel: 'Metrics of the logged models',
      columns: [
        { id: 'model', title: 'Model', width: 'minmax(8em, 1fr)' },
        { id: 'metric', title: 'Metric', width: 'minmax(8em, 1fr)' },
        { id: 'value', title: 'Value', width: 'minmax(6em, 1fr)' },
        { id: 'step', title: 'Step', width: 'minmax(4em, 0.5fr)' },
        { id: 'dataset', title: 'Evaluation dataset', width: 'minmax(10em, 2fr)' },
      ],
      rows,
      empty: '',
    }),
  ];
}

function latestPerKeyAndDataset(metrics: readonly LoggedModelMetricSummary[]): LoggedModelMetricSummary[] {
  const latest = new Map<string, LoggedModelMetricSummary>();
  for (const metric of metrics) {
    const id = `${metric.key}\u0000${metric.datasetName ?? ''}\u0000${metric.datasetDigest ?? ''}`;
    const held = latest.get(id);
    if (!held || metric.step > held.step || (metric.step === held.step && metric.timestamp >= held.timestamp)) latest.set(id, metric);
  }
  return [...latest.values()].sort((a, b) => a.key.localeCompare(b.key) || datasetLabel(a).localeCompare(datasetLabel(b)));
}

function datasetLabel(metric: LoggedModelMetricSummary): string {
  if (!metric.datasetName) return '';
  return metric.datasetDigest ? `${metric.datasetName} (${metric.datasetDigest.slice(0, 8)})` : metric.datasetName;
}
