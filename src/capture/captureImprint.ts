import type { CaptureRecord } from './captureRecord';
import { toDatasetInput } from './datasetInput';
import { captureTags } from './tags';
import type { LaunchImprint } from '../core/launches/launchImprint';

/**
 * What every run of a launch carries, from the CaptureRecord stored with the launch: the capture's
 * tags (MLflow's system tag names where they exist) and the data fingerprints as dataset inputs.
 * Given to the store's LaunchService, which knows launches but not what a capture holds; the
 * imprint itself (its shape, what the store accepts of it, the run it makes) is core/launches/launchImprint.ts.
 */
export function imprintOfCapture(capture: unknown): LaunchImprint {
  const record = capture as CaptureRecord;
  return {
    tags: Object.entries(captureTags(record)).map(([key, value]) => ({ key, value })),
    datasets: record.data.fingerprints.map((fingerprint) => toDatasetInput(fingerprint)),
  };
}
