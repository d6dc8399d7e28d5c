import type { RunStatus } from '../../../src/protocol/dashboards/shapes';
import { tag } from '../components/tag';

/** The run's status as a tag coloured by the theme (running, finished, failed, killed). */
export function statusTag(status: RunStatus): HTMLElement {
  return tag(status, `status status-${status.toLowerCase()}`);
}
