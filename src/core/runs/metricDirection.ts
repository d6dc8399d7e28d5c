import type { MetricDirection } from './runReadModels';

/**
 * Words that name a quantity to minimise. Matched as whole words of the key: `val_loss`,
 * `train/rmse`, `test-error`, `valLoss` match; `lossless_ratio` and `errand` do not.
 */
const lowerIsBetterWords = new Set(['loss', 'error', 'err', 'mse', 'rmse', 'mae', 'mape', 'perplexity', 'cost']);

/** Lower for loss- and error-like names, higher otherwise. */
export function directionByName(metricKey: string): MetricDirection {
  return wordsOf(metricKey).some((word) => lowerIsBetterWords.has(word)) ? 'lower' : 'higher';
}

export interface ResolvedDirection {
  readonly direction: MetricDirection;
  readonly source: 'name' | 'override';
}

export function resolveDirection(
  metricKey: string,
  overrides: Readonly<Record<string, MetricDirection>> = {},
): ResolvedDirection {
  const override = Object.prototype.hasOwnProperty.call(overrides, metricKey) ? overrides[metricKey] : undefined;
  return override ? { direction: override, source: 'override' } : { direction: directionByName(metricKey), source: 'name' };
}

/** Lower-case words: split at anything not a letter or digit, and at camelCase humps. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}
