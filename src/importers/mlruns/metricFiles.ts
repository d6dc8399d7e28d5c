import { parseMetricValue } from '../../core/export/mlrunsLayout';
import { nextTurn } from '../../core/nextTurn';
import type { MetricInput } from '../../core/store/tracking/metricWrites';
import type { StagedModelMetric } from '../stagedImport';

export interface MetricLineFault {
  /** 1-based. */
  readonly line: number;
  readonly reason: string;
}

export interface ParsedMetricFile<T> {
  readonly points: T[];
  readonly faults: MetricLineFault[];
}

/**
 * A run's metric file: `timestamp value step` per line, as FileStore appends them. Two fields are
 * an old file (step 0); five add the dataset name and digest. A malformed line is a fault to report;
 * the good lines around it are kept.
 */
export function parseRunMetricFile(key: string, text: string): Promise<ParsedMetricFile<MetricInput>> {
  return parseLines(text, (fields) => {
    if (fields.length !== 2 && fields.length !== 3 && fields.length !== 5) {
      return `expected 2, 3 or 5 fields, found ${fields.length}`;
    }
    const point = parsePoint(key, fields[0], fields[1], fields[2] ?? '0');
    if (typeof point === 'string') return point;
    return fields.length === 5 ? { ...point, datasetName: fields[3], datasetDigest: fields[4] } : point;
  });
}

/**
 * A logged model's metric file: `timestamp value step run_id`, plus the dataset name and digest
 * when the point was computed on a dataset.
 */
export function parseModelMetricFile(key: string, modelId: string, text: string): Promise<ParsedMetricFile<StagedModelMetric>> {
  return parseLines(text, (fields) => {
    if (fields.length !== 4 && fields.length !== 6) return `expected 4 or 6 fields, found ${fields.length}`;
    const point = parsePoint(key, fields[0], fields[1], fields[2]);
    if (typeof point === 'string') return point;
    const dataset = fields.length === 6 ? { datasetName: fields[4], datasetDigest: fields[5] } : {};
    return { ...point, ...dataset, modelId, runId: fields[3] };
  });
}

/** Lines parsed between two turns of the event loop (some 10 ms of work): a history can be millions long. */
const linesPerTurn = 20_000;

async function parseLines<T>(text: string, parse: (fields: string[]) => T | string): Promise<ParsedMetricFile<T>> {
  const points: T[] = [];
  const faults: MetricLineFault[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    if (index > 0 && index % linesPerTurn === 0) await nextTurn();
    const line = lines[index].trim();
    if (line === '') continue;
    const parsed = parse(line.split(/\s+/));
    if (typeof parsed === 'string') faults.push({ line: index + 1, reason: `${parsed}: '${line.slice(0, 80)}'` });
    else points.push(parsed);
  }
  return { points, faults };
}

function parsePoint(key: string, timestampText: string, valueText: string, stepText: string): MetricInput | string {
  const timestamp = parseInteger(timestampText);
  if (timestamp === undefined) return `bad timestamp '${timestampText}'`;
  const value = parseMetricValue(valueText);
  if (value === undefined) return `bad value '${valueText}'`;
  const step = parseInteger(stepText);
  if (step === undefined) return `bad step '${stepText}'`;
  return { key, value, timestamp, step };
}

function parseInteger(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
