import type { RunRef } from '../../../src/protocol/dashboards/shapes';
import type { DashboardState } from '../../../src/protocol/dashboards/state';
import { link } from '../components/link';
import type { DashboardContext } from './context';

/** A link to another dashboard: a real address in the browser, a host request in VS Code. */
export function dashboardLink(ctx: DashboardContext, text: string, state: DashboardState, title?: string): HTMLElement {
  const href = ctx.hrefOf(state);
  return link(text, { href, title, onClick: href === undefined ? () => ctx.openDashboard(state) : undefined });
}

export function runLink(ctx: DashboardContext, run: Pick<RunRef, 'runId' | 'name'>): HTMLElement {
  return dashboardLink(ctx, run.name || run.runId, { kind: 'run', runId: run.runId }, `Open the dashboard of run ${run.runId}`);
}
